//! The outbound-address guard of webhook deliveries (server-side request forgery): which
//! URLs and which IP addresses Sarnakh may connect to on a subscriber's behalf. Pure: the
//! server resolves names and asks [`check_ip`] about every address before it connects to
//! exactly those addresses; subscriptions are checked with [`check_url`] when saved.
//!
//! Refused: loopback, private (RFC 1918), shared (CGNAT 100.64/10), link-local (including
//! the cloud metadata address 169.254.169.254), unique-local, unspecified, multicast,
//! broadcast, reserved, documentation and benchmark ranges, and IPv6 forms that carry an
//! IPv4 address (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`,
//! 6to4 `2002::/16`) when that address is refused. Every IPv4 notation (integer, octal, hex,
//! short forms) reaches [`check_ip`] already normalised by the `url` crate's host parser.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// IPv4 networks no webhook may reach.
const REFUSED_V4: &[(&str, &str)] = &[
    ("0.0.0.0/8", "the unspecified / this-network range"),
    ("10.0.0.0/8", "a private network (10/8)"),
    (
        "100.64.0.0/10",
        "the shared carrier-grade NAT range (100.64/10)",
    ),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (including cloud metadata)"),
    ("172.16.0.0/12", "a private network (172.16/12)"),
    ("192.0.0.0/24", "the IETF protocol assignments range"),
    ("192.0.2.0/24", "a documentation range"),
    ("192.88.99.0/24", "the 6to4 relay anycast range"),
    ("192.168.0.0/16", "a private network (192.168/16)"),
    ("198.18.0.0/15", "the benchmarking range"),
    ("198.51.100.0/24", "a documentation range"),
    ("203.0.113.0/24", "a documentation range"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "the reserved range (including broadcast)"),
];

/// IPv6 networks no webhook may reach (the IPv4-carrying ones are checked separately).
const REFUSED_V6: &[(&str, &str)] = &[
    ("::/128", "the unspecified address"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "the local-use NAT64 range"),
    ("100::/64", "the discard-only range"),
    ("2001::/23", "the IETF protocol assignments range"),
    ("2001:db8::/32", "a documentation range"),
    ("3fff::/20", "a documentation range"),
    ("fc00::/7", "a unique-local network"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "the deprecated site-local range"),
    ("ff00::/8", "multicast"),
];

/// Why an address or URL is refused, for the delivery's error and the field error.
pub type Refusal = String;

/// `Ok` if Sarnakh may connect to `ip`; otherwise what kind of address it is.
pub fn check_ip(ip: IpAddr) -> Result<(), Refusal> {
    match ip {
        IpAddr::V4(v4) => check_v4(v4),
        IpAddr::V6(v6) => check_v6(v6),
    }
}

fn check_v4(ip: Ipv4Addr) -> Result<(), Refusal> {
    for (net, what) in REFUSED_V4 {
        let net: Ipv4Net = net.parse().expect("the table holds valid networks");
        if net.contains(&ip) {
            return Err(format!("{ip} is {what}"));
        }
    }
    Ok(())
}

fn check_v6(ip: Ipv6Addr) -> Result<(), Refusal> {
    if let Some(v4) = embedded_v4(ip) {
        return check_v4(v4).map_err(|why| format!("{ip} carries {v4}: {why}"));
    }
    for (net, what) in REFUSED_V6 {
        let net: Ipv6Net = net.parse().expect("the table holds valid networks");
        if net.contains(&ip) {
            return Err(format!("{ip} is {what}"));
        }
    }
    Ok(())
}

/// The IPv4 address an IPv6 one carries: mapped `::ffff:0:0/96`, compatible `::/96`
/// (except `::` and `::1`), NAT64 `64:ff9b::/96`, 6to4 `2002::/16`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let last = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && u32::from(last) > 1 {
        return Some(last);
    }
    let nat64: Ipv6Net = "64:ff9b::/96".parse().expect("valid network");
    if nat64.contains(&ip) {
        return Some(last);
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

/// Where a checked URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A literal address, already checked.
    Ip(IpAddr),
    /// A DNS name: every address it resolves to must pass [`check_ip`].
    Name(String),
}

/// Parses `raw` as a webhook URL and checks what can be checked without DNS: the scheme
/// (http or https), no user info, a host, and that a literal address (in any notation the
/// `url` crate normalises: `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `[::ffff:7f00:1]`)
/// or a `localhost` name is not refused. `allow_private` (testing, intranets) skips the
/// address checks only.
pub fn check_url(raw: &str, allow_private: bool) -> Result<(Url, Target), Refusal> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "scheme {} is not allowed: use http or https",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("a webhook URL may not carry a user name or password".into());
    }
    let target = match url.host() {
        None => return Err("the URL has no host".into()),
        Some(Host::Ipv4(ip)) => Target::Ip(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Target::Ip(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => Target::Name(name.trim_end_matches('.').to_owned()),
    };
    if !allow_private {
        match &target {
            Target::Ip(ip) => check_ip(*ip)?,
            Target::Name(name) if is_local_name(name) => {
                return Err(format!("{name} is a loopback name"));
            }
            Target::Name(_) => {}
        }
    }
    Ok((url, target))
}

/// `localhost` and its sub-domains always mean this machine (RFC 6761).
fn is_local_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

#[cfg(test)]
#[path = "outbound_tests.rs"]
mod tests;
