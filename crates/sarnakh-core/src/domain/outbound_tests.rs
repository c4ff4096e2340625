//! The outbound guard against every notation of a refused address.

use super::*;
use rstest::rstest;

#[rstest]
#[case("127.0.0.1")]
#[case("127.255.255.254")]
#[case("10.1.2.3")]
#[case("172.16.0.1")]
#[case("172.31.255.255")]
#[case("192.168.1.1")]
#[case("100.64.0.1")]
#[case("100.127.255.255")]
#[case("169.254.169.254")]
#[case("169.254.0.1")]
#[case("0.0.0.0")]
#[case("0.1.2.3")]
#[case("255.255.255.255")]
#[case("224.0.0.1")]
#[case("239.255.255.250")]
#[case("240.0.0.1")]
#[case("192.0.2.10")]
#[case("198.51.100.7")]
#[case("203.0.113.9")]
#[case("198.18.0.1")]
#[case("198.19.255.255")]
#[case("192.0.0.8")]
#[case("::1")]
#[case("::")]
#[case("fe80::1")]
#[case("febf::1")]
#[case("fc00::1")]
#[case("fd12:3456::1")]
#[case("ff02::1")]
#[case("2001:db8::1")]
#[case("::ffff:127.0.0.1")]
#[case("::ffff:7f00:1")]
#[case("::ffff:10.0.0.1")]
#[case("::ffff:169.254.169.254")]
#[case("::127.0.0.1")]
#[case("::10.0.0.1")]
#[case("64:ff9b::7f00:1")]
#[case("64:ff9b::a9fe:a9fe")]
#[case("64:ff9b::192.168.0.1")]
#[case("64:ff9b:1::1")]
#[case("2002:7f00:1::1")]
#[case("2002:c0a8:101::1")]
#[case("fec0::1")]
#[case("100::1")]
fn refused_addresses(#[case] ip: &str) {
    let ip: IpAddr = ip.parse().expect("test address");
    assert!(check_ip(ip).is_err(), "{ip} must be refused");
}

#[rstest]
#[case("93.184.216.34")]
#[case("8.8.8.8")]
#[case("1.1.1.1")]
#[case("172.15.255.255")]
#[case("172.32.0.1")]
#[case("100.63.255.255")]
#[case("100.128.0.1")]
#[case("192.169.0.1")]
#[case("169.253.255.255")]
#[case("11.0.0.1")]
#[case("2606:4700:4700::1111")]
#[case("2a00:1450:4001:81b::200e")]
#[case("::ffff:8.8.8.8")]
#[case("64:ff9b::808:808")]
#[case("2002:808:808::1")]
fn public_addresses_pass(#[case] ip: &str) {
    let ip: IpAddr = ip.parse().expect("test address");
    assert_eq!(check_ip(ip), Ok(()), "{ip} is public");
}

/// Every spelling of loopback, private and metadata addresses the URL parser accepts is
/// normalised to the address and refused.
#[rstest]
#[case("http://127.0.0.1/hook", "127.0.0.1")]
#[case("http://2130706433/hook", "127.0.0.1")]
#[case("http://0177.0.0.1/hook", "127.0.0.1")]
#[case("http://0x7f.1/hook", "127.0.0.1")]
#[case("http://0x7f000001/hook", "127.0.0.1")]
#[case("http://127.1/hook", "127.0.0.1")]
#[case("http://127.0.1/hook", "127.0.0.1")]
#[case("http://017700000001/hook", "127.0.0.1")]
#[case("http://0/hook", "0.0.0.0")]
#[case("http://0.0.0.0:8080/hook", "0.0.0.0")]
#[case("http://169.254.169.254/latest/meta-data/", "169.254.169.254")]
#[case("http://2852039166/", "169.254.169.254")]
#[case("http://0xa9fea9fe/", "169.254.169.254")]
#[case("http://0251.0376.0251.0376/", "169.254.169.254")]
#[case("http://10.0.0.1/", "10.0.0.1")]
#[case("http://012.0.0.1/", "10.0.0.1")]
#[case("http://0xc0.0xa8.1.1/", "192.168.1.1")]
#[case("http://3232235777/", "192.168.1.1")]
#[case("https://[::1]:8443/", "::1")]
#[case("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1")]
#[case("http://[::ffff:7f00:1]/", "::ffff:7f00:1")]
#[case("http://[0:0:0:0:0:ffff:127.0.0.1]/", "::ffff:7f00:1")]
#[case("http://[64:ff9b::127.0.0.1]/", "64:ff9b::7f00:1")]
#[case("http://[fe80::1]/", "fe80::1")]
#[case("http://[fd00::1]/", "fd00::1")]
#[case("http://[::]/", "::")]
#[case("http://%31%32%37.0.0.1/", "127.0.0.1")]
#[case("http://127.0.0.1./", "127.0.0.1")]
fn every_notation_of_a_refused_address_is_refused(#[case] raw: &str, #[case] normalised: &str) {
    let err = check_url(raw, false).expect_err(raw);
    let ip: IpAddr = normalised.parse().expect("test address");
    assert!(err.contains(&ip.to_string()), "{raw}: {err}");
    // The url crate normalised it to the very address.
    let (_, target) = check_url(raw, true).expect(raw);
    assert_eq!(target, Target::Ip(ip), "{raw}");
}

#[rstest]
#[case("http://localhost/hook")]
#[case("http://LOCALHOST:9000/hook")]
#[case("http://api.localhost/hook")]
#[case("http://localhost./hook")]
fn localhost_names_are_refused(#[case] raw: &str) {
    assert!(
        check_url(raw, false)
            .expect_err("refused")
            .contains("loopback name")
    );
}

#[rstest]
#[case("ftp://example.com/x", "scheme ftp")]
#[case("file:///etc/passwd", "scheme file")]
#[case("gopher://example.com/", "scheme gopher")]
#[case("https://user:pw@example.com/", "user name")]
#[case("not a url", "not a valid URL")]
#[case("http://", "not a valid URL")]
fn other_urls_are_refused_with_a_reason(#[case] raw: &str, #[case] why: &str) {
    let err = check_url(raw, true).expect_err(raw);
    assert!(err.contains(why), "{raw}: {err}");
}

#[test]
fn public_names_and_addresses_pass_and_names_are_left_to_the_resolver() {
    let (url, target) = check_url("https://hooks.example.com:8443/in?x=1", false).expect("ok");
    assert_eq!(url.port(), Some(8443));
    assert_eq!(target, Target::Name("hooks.example.com".into()));
    let (_, target) = check_url("http://93.184.216.34/", false).expect("ok");
    assert_eq!(target, Target::Ip("93.184.216.34".parse().expect("ip")));
}

#[test]
fn allow_private_lets_loopback_through_but_not_other_schemes() {
    assert!(check_url("http://127.0.0.1:9/hook", true).is_ok());
    assert!(check_url("http://localhost:9/hook", true).is_ok());
    assert!(check_url("ftp://127.0.0.1/", true).is_err());
}
