use super::*;
use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use std::sync::OnceLock;

/// SplitMix64: a tiny seeded generator, so the generated histories never change.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[(self.next() % options.len() as u64) as usize]
    }
}

const SOURCES: [&str; 5] = ["webinar", "referral", "cold_call", "website", "event"];
const INDUSTRIES: [&str; 6] = [
    "retail",
    "software",
    "logistics",
    "health",
    "finance",
    "energy",
];
const SIZES: [&str; 4] = ["1-9", "10-49", "50-249", "250+"];
const COUNTRIES: [&str; 5] = ["ro", "de", "fr", "ir", "us"];
const COLOURS: [&str; 7] = [
    "red", "orange", "yellow", "green", "blue", "indigo", "violet",
];
const DIGITS: [&str; 10] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// True log-odds of a win: source and size matter, nothing else does.
fn true_log_odds(source: &str, size: &str) -> f64 {
    let source = match source {
        "referral" => 1.6,
        "webinar" => 1.0,
        "event" => 0.3,
        "website" => 0.0,
        _ => -1.5,
    };
    let size = match size {
        "1-9" => -1.0,
        "10-49" => -0.3,
        "50-249" => 0.3,
        _ => 1.0,
    };
    -0.9 + source + size
}

fn at_day(day: f64) -> DateTime<Utc> {
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid date");
    start + Duration::minutes((day * 1440.0) as i64)
}

/// `n` closed records over two years; with `signal` wins follow [`true_log_odds`], without
/// it they are a 30 % coin flip.
fn history(n: usize, seed: u64, signal: bool) -> Vec<Example> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|_| {
            let source = rng.pick(&SOURCES);
            let size = rng.pick(&SIZES);
            let mut features = vec![
                Feature::new("source", source),
                Feature::new("company_size", size),
                Feature::new("country", rng.pick(&COUNTRIES)),
                Feature::new("colour", rng.pick(&COLOURS)),
                Feature::new("digit", rng.pick(&DIGITS)),
            ];
            // Some records lack an industry: an absent name must simply add nothing.
            if rng.unit() < 0.9 {
                features.push(Feature::new("industry", rng.pick(&INDUSTRIES)));
            }
            let p = if signal {
                logistic(true_log_odds(source, size))
            } else {
                0.3
            };
            let won = rng.unit() < p;
            let closed_at = at_day(rng.unit() * 730.0);
            Example {
                features,
                won,
                closed_at,
            }
        })
        .collect()
}

fn signal_training() -> &'static Training {
    static TRAINING: OnceLock<Training> = OnceLock::new();
    TRAINING.get_or_init(|| train(&history(3000, 7, true)).expect("enough varied history"))
}

fn record(source: &str, size: &str) -> Vec<Feature> {
    vec![
        Feature::new("source", source),
        Feature::new("company_size", size),
        Feature::new("country", "ro"),
        Feature::new("industry", "retail"),
        Feature::new("colour", "blue"),
        Feature::new("digit", "4"),
    ]
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn auc_counts_ordered_pairs_and_half_of_the_ties() {
    let perfect = [(0.1, false), (0.4, false), (0.6, true), (0.9, true)];
    assert_eq!(auc(&perfect), 1.0);
    let reversed = [(0.1, true), (0.4, true), (0.6, false), (0.9, false)];
    assert_eq!(auc(&reversed), 0.0);
    let ties = [(0.5, true), (0.5, false), (0.5, false), (0.5, true)];
    assert_eq!(auc(&ties), 0.5);
    // Won {0.4, 0.35} against lost {0.1, 0.8}: 2 of 4 pairs ordered right.
    let mixed = [(0.1, false), (0.4, true), (0.35, true), (0.8, false)];
    assert_eq!(auc(&mixed), 0.5);
    // Won {0.35, 0.8} against lost {0.1, 0.4}: 3 of 4.
    let mixed = [(0.1, false), (0.4, false), (0.35, true), (0.8, true)];
    assert_eq!(auc(&mixed), 0.75);
    // Won {0.5, 0.9} against lost {0.5, 0.2}: one tie (1/2) and three right pairs.
    let with_tie = [(0.5, true), (0.5, false), (0.2, false), (0.9, true)];
    assert_eq!(auc(&with_tie), 3.5 / 4.0);
    assert_eq!(auc(&[(0.3, true), (0.7, true)]), 0.5);
    assert_eq!(auc(&[]), 0.5);
    // A NaN score neither hangs nor ties: it sorts above every number.
    assert_eq!(auc(&[(f64::NAN, true), (0.9, false)]), 1.0);
}

#[test]
fn log_loss_is_the_mean_cross_entropy_with_clamped_probabilities() {
    let loss = log_loss(&[(0.8, true), (0.4, false)]);
    assert!(near(loss, -(0.8_f64.ln() + 0.6_f64.ln()) / 2.0), "{loss}");
    assert!(near(log_loss(&[(0.0, true)]), -(1e-12_f64).ln()));
    assert!(log_loss(&[(1.0, true), (0.0, false)]) < 1e-11);
    assert_eq!(log_loss(&[]), 0.0);
}

#[test]
fn calibration_keeps_ten_bins_and_puts_certainty_in_the_last() {
    let bins = calibration(&[
        (0.0, false),
        (0.05, true),
        (0.1, true),
        (0.95, false),
        (1.0, true),
    ]);
    assert_eq!(bins.len(), 10);
    let summary: Vec<(usize, f64, f64)> = bins
        .iter()
        .map(|b| (b.count, b.mean_predicted, b.observed_rate))
        .collect();
    let empty = (0, 0.0, 0.0);
    assert_eq!(
        summary,
        vec![
            (2, 0.025, 0.5),
            (1, 0.1, 1.0),
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            (2, 0.975, 0.5),
        ]
    );
    assert_eq!((bins[0].lower, bins[0].upper), (0.0, 0.1));
    assert_eq!((bins[3].lower, bins[3].upper), (0.3, 0.4));
    assert_eq!((bins[9].lower, bins[9].upper), (0.9, 1.0));
}

#[test]
fn both_algorithms_find_a_known_signal_and_explain_it() {
    let t = signal_training();
    // Observed (seed 7, 3,000 records, 600 held out): naive Bayes AUC 0.787 (log loss
    // 0.548), logistic 0.786 (0.545).
    assert!(t.naive_bayes.auc > 0.70, "{:?}", t.naive_bayes);
    assert!(t.logistic.auc > 0.70, "{:?}", t.logistic);
    assert_eq!(t.model.algorithm, t.chosen);
    assert_eq!((t.examples, t.naive_bayes.train_examples), (3000, 2400));
    assert_eq!(t.logistic.test_examples, 600);
    let strong = t.model.predict(&record("referral", "250+"));
    let weak = t.model.predict(&record("cold_call", "1-9"));
    assert!(
        strong.probability > weak.probability + 0.4,
        "{strong:?} {weak:?}"
    );
    for p in [&strong, &weak] {
        let top = &p.reasons[0].feature;
        assert!(top == "source" || top == "company_size", "{p:?}");
    }
}

#[test]
fn without_a_signal_both_algorithms_are_no_better_than_chance() {
    let t = train(&history(3000, 11, false)).expect("enough varied history");
    // Observed (seed 11, 3,000 records, 600 held out): naive Bayes AUC 0.519 (log loss
    // 0.607), logistic 0.520 (0.607).
    for m in [&t.naive_bayes, &t.logistic] {
        assert!((m.auc - 0.5).abs() < 0.08, "{m:?}");
    }
}

#[test]
fn too_little_or_one_sided_history_is_refused() {
    let mut examples = history(49, 3, true);
    examples[0].won = true;
    examples[1].won = false;
    assert_eq!(
        train(&examples),
        Err(TrainError::TooLittleHistory {
            closed: 49,
            needed: 50
        })
    );
    let mut all_won = history(200, 3, true);
    all_won.iter_mut().for_each(|e| e.won = true);
    assert_eq!(train(&all_won), Err(TrainError::OneClass));
    all_won.iter_mut().for_each(|e| e.won = false);
    assert_eq!(train(&all_won), Err(TrainError::OneClass));
}

#[test]
fn a_model_survives_json_exactly_and_predicts_the_same() {
    let examples = history(3000, 7, true);
    let by_time = oldest_first(&examples);
    for model in [fit_naive_bayes(&by_time), fit_logistic(&by_time)] {
        let json = serde_json::to_string(&model).expect("a model serialises");
        let back: Model = serde_json::from_str(&json).expect("a model deserialises");
        assert_eq!(back, model);
        for e in &examples {
            assert_eq!(back.predict(&e.features), model.predict(&e.features));
        }
    }
    let json = serde_json::to_string(&Algorithm::NaiveBayes).expect("serialises");
    assert_eq!(json, "\"naive_bayes\"");
    assert_eq!(Algorithm::Logistic.as_str(), "logistic");
}

#[test]
fn training_twice_gives_the_same_result() {
    let examples = history(1000, 5, true);
    assert_eq!(train(&examples), train(&examples));
}

#[test]
fn probabilities_stay_inside_zero_and_one_and_reasons_are_few_and_ordered() {
    let t = signal_training();
    let examples = history(3000, 7, true);
    let by_time = oldest_first(&examples);
    let models = [
        t.model.clone(),
        fit_logistic(&by_time),
        fit_naive_bayes(&by_time),
    ];
    for model in &models {
        for e in &examples {
            check_prediction(&model.predict(&e.features));
        }
    }
}

fn check_prediction(p: &Prediction) {
    assert!(p.probability > 0.0 && p.probability < 1.0, "{p:?}");
    assert!(p.reasons.len() <= MAX_REASONS, "{p:?}");
    assert!(p.reasons.iter().all(|r| r.points != 0), "{p:?}");
    let strength: Vec<i32> = p.reasons.iter().map(|r| r.points.abs()).collect();
    assert!(strength.windows(2).all(|w| w[0] >= w[1]), "{p:?}");
}

proptest! {
    #[test]
    fn any_features_give_a_probability_and_few_reasons(
        picks in prop::collection::vec((0_usize..7, 0_usize..12), 0..20)
    ) {
        let names = ["source", "company_size", "country", "industry", "colour", "digit", "mystery"];
        let values = [SOURCES.as_slice(), &SIZES, &COUNTRIES, &INDUSTRIES, &COLOURS, &DIGITS, &[]];
        let features: Vec<Feature> = picks
            .iter()
            .map(|&(n, v)| {
                let value = values[n].get(v).copied().unwrap_or("unheard-of");
                Feature::new(names[n], value)
            })
            .collect();
        check_prediction(&signal_training().model.predict(&features));
    }
}

/// A model written by hand: source referral triples the odds, cold call divides them by
/// three, a large company doubles them; any other size nudges them down a little.
fn hand_model() -> Model {
    let weights = |values: &[(&str, f64)], other| Weights {
        values: values.iter().map(|&(v, w)| (v.to_owned(), w)).collect(),
        other,
    };
    let features = BTreeMap::from([
        (
            "source".to_owned(),
            weights(&[("referral", 3_f64.ln()), ("cold_call", -3_f64.ln())], 0.0),
        ),
        (
            "company_size".to_owned(),
            weights(&[("250+", 2_f64.ln())], -0.001),
        ),
    ]);
    Model::new(Algorithm::NaiveBayes, 0.0, features)
}

#[test]
fn reasons_are_the_points_each_feature_adds_strongest_first() {
    let model = hand_model();
    let p = model.predict(&[
        Feature::new("company_size", "250+"),
        Feature::new("source", "referral"),
        Feature::new("source", "referral"),
        Feature::new("unknown_name", "x"),
    ]);
    // Odds 6 -> 6/7; without the source odds 2 -> 2/3 (19 points); without the size 3 -> 3/4 (11).
    assert!(near(p.probability, 6.0 / 7.0), "{p:?}");
    let reasons: Vec<(&str, &str, i32)> = (p.reasons.iter())
        .map(|r| (r.feature.as_str(), r.value.as_str(), r.points))
        .collect();
    assert_eq!(
        reasons,
        vec![("source", "referral", 19), ("company_size", "250+", 11)]
    );
    // An unseen size nudges by less than half a point: no reason.
    let p = model.predict(&[Feature::new("company_size", "1-9")]);
    assert!(p.probability < 0.5 && p.reasons.is_empty(), "{p:?}");
}

#[test]
fn equal_reasons_are_ordered_by_name_and_cut_at_the_maximum() {
    let features: BTreeMap<String, Weights> = ["g", "c", "a", "f", "b", "e", "d"]
        .iter()
        .map(|n| {
            let values = BTreeMap::from([("yes".to_owned(), 1.0)]);
            ((*n).to_owned(), Weights { values, other: 0.0 })
        })
        .collect();
    let model = Model::new(Algorithm::Logistic, -3.0, features);
    let input: Vec<Feature> = ["g", "c", "a", "f", "b", "e", "d"]
        .iter()
        .map(|n| Feature::new(*n, "yes"))
        .collect();
    let names: Vec<String> = (model.predict(&input).reasons.into_iter())
        .map(|r| r.feature)
        .collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
}

/// 60 records: won 20 referral (all from "ro") and 10 cold call; lost 5 referral and 25 cold call.
fn counted_history() -> Vec<Example> {
    let mut out = Vec::new();
    let mut add = |n: usize, source: &str, ro: bool, won: bool| {
        for _ in 0..n {
            let mut features = vec![Feature::new("source", source)];
            if ro {
                features.push(Feature::new("country", "ro"));
            }
            let closed_at = at_day(out.len() as f64);
            out.push(Example {
                features,
                won,
                closed_at,
            });
        }
    };
    add(20, "referral", true, true);
    add(10, "cold_call", false, true);
    add(5, "referral", false, false);
    add(25, "cold_call", false, false);
    out
}

#[test]
fn naive_bayes_weights_are_laplace_smoothed_count_ratios() {
    let examples = counted_history();
    let model = fit_naive_bayes(&examples.iter().collect::<Vec<_>>());
    let source = &model.features["source"];
    // K = 2 values + 1; 30 source values per class.
    assert!(near(source.values["referral"], (21.0_f64 / 6.0).ln()));
    assert!(near(source.values["cold_call"], (11.0_f64 / 26.0).ln()));
    assert!(near(source.other, 0.0));
    // "country" only on 20 won records: K = 2, totals 20 and 0.
    let country = &model.features["country"];
    assert!(near(country.values["ro"], ((21.0 / 22.0) / 0.5_f64).ln()));
    assert!(near(country.other, 0.0), "an unseen value is no evidence");
    assert!(near(model.intercept, 0.0));
    let p = model.predict(&[Feature::new("source", "referral")]);
    assert!(near(p.probability, 3.5 / 4.5));
    assert_eq!(p.reasons[0].points, 28);
}

#[test]
fn logistic_regression_reaches_its_optimum_and_folds_rare_values() {
    let mut examples = history(2000, 13, true);
    examples[0]
        .features
        .push(Feature::new("source", "trade_fair"));
    examples[1]
        .features
        .push(Feature::new("source", "trade_fair"));
    let rows: Vec<&Example> = examples.iter().collect();
    let model = fit_logistic(&rows);
    let source = &model.features["source"];
    assert!(!source.values.contains_key("trade_fair") && source.values.contains_key("event"));
    let unseen = model.predict(&[Feature::new("source", "never_seen")]);
    let rare = model.predict(&[Feature::new("source", "trade_fair")]);
    assert_eq!(rare.probability, unseen.probability);
    assert_eq!(rare.reasons[0].points, unseen.reasons[0].points);
    // The gradient at the stored weights is (close to) zero.
    let columns = Columns::new(&rows);
    let mut w = vec![model.intercept; columns.count];
    for (name, (other, kept)) in &columns.by_name {
        let weights = &model.features[*name];
        w[*other] = weights.other;
        kept.iter().for_each(|(v, &j)| w[j] = weights.values[*v]);
    }
    let mut gradient = vec![0.0; w.len()];
    columns.design(&rows).objective(&w, &mut gradient);
    let largest = gradient.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    assert!(largest < 1e-3, "{largest}");
}

#[test]
fn the_newest_fifth_is_held_out_whatever_the_input_order() {
    // Referrals won until day 80 and lost after; input newest first.
    let examples: Vec<Example> = (0..100)
        .rev()
        .map(|day| {
            let referral = day % 2 == 0;
            Example {
                features: vec![Feature::new(
                    "source",
                    if referral { "referral" } else { "cold_call" },
                )],
                won: referral != (day >= 80),
                closed_at: at_day(f64::from(day)),
            }
        })
        .collect();
    let t = train(&examples).expect("enough varied history");
    assert_eq!((t.naive_bayes.auc, t.logistic.auc), (0.0, 0.0));
    assert_eq!(t.chosen, Algorithm::NaiveBayes);
    let same_time: Vec<Example> = (0..3)
        .map(|i| Example {
            features: vec![Feature::new("i", i.to_string())],
            won: false,
            closed_at: at_day(1.0 - f64::from(i.min(1))),
        })
        .collect();
    let order: Vec<&str> = (oldest_first(&same_time).iter())
        .map(|e| e.features[0].value.as_str())
        .collect();
    assert_eq!(order, ["1", "2", "0"]);
}

#[test]
#[ignore = "timing; run with --release -- --ignored --nocapture"]
fn training_on_fifty_thousand_records_is_fast() {
    let mut rng = Rng(42);
    let names: Vec<String> = (0..15).map(|i| format!("f{i:02}")).collect();
    let examples: Vec<Example> = (0..50_000)
        .map(|_| {
            let features: Vec<Feature> = (names.iter().enumerate())
                .map(|(i, n)| Feature::new(n, (rng.next() % (13 + i as u64 % 2)).to_string()))
                .collect();
            // Two features carry a graded signal; the other thirteen are noise.
            let level = |i: usize| features[i].value.parse::<f64>().expect("a number") - 6.0;
            let won = rng.unit() < logistic(-1.0 + 0.25 * level(0) - 0.2 * level(1));
            let closed_at = at_day(rng.unit() * 730.0);
            Example {
                features,
                won,
                closed_at,
            }
        })
        .collect();
    let started = std::time::Instant::now();
    let t = train(&examples).expect("enough varied history");
    println!(
        "trained on {} records in {:?}: naive Bayes AUC {:.3}, logistic AUC {:.3}, chose {}",
        t.examples,
        started.elapsed(),
        t.naive_bayes.auc,
        t.logistic.auc,
        t.chosen
    );
}
