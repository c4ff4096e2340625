//! Known values: Wilson intervals, a two-proportion z-test and chi-square p-values worked
//! out independently (closed forms, or with `erfc`), and the data rule of the verdict.

use super::*;

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() < tolerance
}

#[test]
fn wilson_intervals_match_known_values() {
    let r = wilson(5, 10);
    assert_eq!(r.rate, Some(0.5));
    assert!(close(r.low.expect("low"), 0.236_593, 1e-5));
    assert!(close(r.high.expect("high"), 0.763_407, 1e-5));
    let none = wilson(0, 10);
    assert_eq!(none.low, Some(0.0));
    assert!(close(none.high.expect("high"), 0.277_533, 1e-5));
    let all = wilson(10, 10);
    assert!(close(all.low.expect("low"), 0.722_467, 1e-5));
    assert!(close(all.high.expect("high"), 1.0, 1e-9));
    let r = wilson(81, 263);
    assert!(close(r.low.expect("low"), 0.255_289, 1e-5));
    assert!(close(r.high.expect("high"), 0.366_210, 1e-5));
    assert_eq!(wilson(0, 0).rate, None);
}

#[test]
fn two_proportion_z_test_matches_the_textbook_computation() {
    // 100/1000 against 120/1000: pooled 0.11, se = sqrt(0.11 * 0.89 * 2/1000).
    let t = two_proportion((100, 1000), (120, 1000)).expect("a test");
    assert!(close(t.statistic, 1.429_301, 1e-5));
    assert!(close(t.p, 0.152_918, 1e-5));
    // 60/500 against 90/500, and the other way round.
    let t = two_proportion((60, 500), (90, 500)).expect("a test");
    assert!(close(t.statistic, 2.656_845, 1e-5));
    assert!(close(t.p, 0.007_888, 1e-5));
    let back = two_proportion((90, 500), (60, 500)).expect("a test");
    assert!(close(back.statistic, -t.statistic, 1e-12) && close(back.p, t.p, 1e-12));
    assert_eq!(two_proportion((0, 10), (0, 10)), None);
    assert_eq!(two_proportion((0, 0), (3, 10)), None);
}

#[test]
fn chi_square_equals_z_squared_for_two_groups_and_has_a_closed_form_for_three() {
    let z = two_proportion((60, 500), (90, 500)).expect("z");
    let c = chi_square(&[(60, 500), (90, 500)]).expect("chi-square");
    assert_eq!(c.df, 1);
    assert!(close(c.statistic, z.statistic * z.statistic, 1e-9));
    assert!(close(c.p, z.p, 1e-9));
    // With 2 degrees of freedom the survival function is exp(-x / 2).
    let c = chi_square(&[(30, 200), (45, 200), (50, 200)]).expect("chi-square");
    assert_eq!(c.df, 2);
    assert!(close(c.p, (-c.statistic / 2.0).exp(), 1e-9));
    assert_eq!(chi_square(&[(3, 10)]), None);
}

#[test]
fn verdicts_need_five_expected_successes_and_failures_per_cell() {
    assert_eq!(
        Verdict::judge((1, 10), (4, 10), ALPHA),
        Verdict::NotEnoughData
    );
    assert!(enough_data(&[(5, 10), (5, 10)]));
    assert!(!enough_data(&[(4, 10), (5, 10)]));
    let v = Verdict::judge((60, 500), (90, 500), ALPHA);
    assert!(matches!(v, Verdict::Better { .. }));
    assert_eq!(
        v.sentence("B", "A", "prospect"),
        "B converts better to prospect than A, p = 0.008"
    );
    let v = Verdict::judge((90, 500), (60, 500), ALPHA);
    assert_eq!(v.code(), "worse");
    let v = Verdict::judge((100, 1000), (120, 1000), ALPHA);
    assert_eq!(
        v.sentence("B", "A", "prospect"),
        "no significant difference (p = 0.15)"
    );
    assert_eq!(p_text(0.0004), "p < 0.001");
}
