//! Speed to lead: a new lead must be contacted within a number of working minutes. The
//! clock runs only inside the team's working hours (days of the week, from and to, in its
//! time zone), so a lead arriving on Friday evening is due on Monday morning.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The speed-to-lead target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaSettings {
    /// Working minutes allowed until the first call, email, meeting or demo.
    pub first_contact_minutes: u32,
    /// When the clock runs; none: around the clock.
    #[serde(default)]
    pub working_hours: Option<WorkingHours>,
}

/// The team's working week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingHours {
    /// Days, as `mon` ... `sun`.
    pub days: Vec<String>,
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`, after the start.
    pub end: String,
    /// IANA time zone, e.g. `Europe/Bucharest` or `Asia/Tehran`.
    pub time_zone: String,
}

impl Default for SlaSettings {
    fn default() -> Self {
        Self {
            first_contact_minutes: 15,
            working_hours: Some(WorkingHours {
                days: ["mon", "tue", "wed", "thu", "fri"]
                    .map(String::from)
                    .to_vec(),
                start: "09:00".into(),
                end: "18:00".into(),
                time_zone: "UTC".into(),
            }),
        }
    }
}

/// A checked working week.
struct Week {
    days: Vec<Weekday>,
    start: NaiveTime,
    end: NaiveTime,
    tz: Tz,
}

fn weekday(name: &str) -> Option<Weekday> {
    match name.trim().to_ascii_lowercase().as_str() {
        "mon" => Some(Weekday::Mon),
        "tue" => Some(Weekday::Tue),
        "wed" => Some(Weekday::Wed),
        "thu" => Some(Weekday::Thu),
        "fri" => Some(Weekday::Fri),
        "sat" => Some(Weekday::Sat),
        "sun" => Some(Weekday::Sun),
        _ => None,
    }
}

impl WorkingHours {
    fn week(&self) -> Result<Week, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut days = Vec::new();
        for (i, d) in self.days.iter().enumerate() {
            match weekday(d) {
                Some(w) if !days.contains(&w) => days.push(w),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    format!("working_hours.days[{i}]"),
                    "unknown_value",
                    "one of mon, tue, wed, thu, fri, sat, sun",
                )),
            }
        }
        if self.days.is_empty() {
            errors.push(FieldError::new(
                "working_hours.days",
                "required",
                "at least one working day",
            ));
        }
        let time = |field: &str, raw: &str, errors: &mut Vec<FieldError>| {
            NaiveTime::parse_from_str(raw.trim(), "%H:%M")
                .map_err(|_| {
                    errors.push(FieldError::new(
                        format!("working_hours.{field}"),
                        "invalid_time",
                        "a time such as 09:00",
                    ))
                })
                .ok()
        };
        let start = time("start", &self.start, &mut errors);
        let end = time("end", &self.end, &mut errors);
        if let (Some(s), Some(e)) = (start, end)
            && e <= s
        {
            errors.push(FieldError::new(
                "working_hours.end",
                "out_of_range",
                "the end must come after the start",
            ));
        }
        let tz = self.time_zone.trim().parse::<Tz>().map_err(|_| {
            errors.push(FieldError::new(
                "working_hours.time_zone",
                "unknown_value",
                "an IANA time zone such as Europe/Bucharest",
            ))
        });
        match (errors.is_empty(), start, end, tz) {
            (true, Some(start), Some(end), Ok(tz)) => Ok(Week {
                days,
                start,
                end,
                tz,
            }),
            _ => Err(errors),
        }
    }
}

impl SlaSettings {
    /// Checks the settings; errors are addressed by field.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=60 * 24 * 14).contains(&self.first_contact_minutes) {
            errors.push(FieldError::new(
                "first_contact_minutes",
                "out_of_range",
                "1 minute to 14 days",
            ));
        }
        if let Some(h) = &self.working_hours
            && let Err(more) = h.week()
        {
            errors.extend(more);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// When a lead captured at `at` must have been contacted.
    pub fn due(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        let minutes = i64::from(self.first_contact_minutes);
        match self.working_hours.as_ref().and_then(|h| h.week().ok()) {
            None => at + Duration::minutes(minutes),
            Some(week) => week.add_working(at, minutes),
        }
    }
}

impl Week {
    /// `at` plus `minutes` of working time.
    fn add_working(&self, at: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let mut left = Duration::minutes(minutes);
        let mut now = at.with_timezone(&self.tz);
        // Two years of days is far more than any target can need; it bounds the loop.
        for _ in 0..800 {
            let date = now.date_naive();
            if self.days.contains(&date.weekday()) {
                let open = self.local(date.and_time(self.start));
                let close = self.local(date.and_time(self.end));
                let from = if now > open { now } else { open };
                if from < close {
                    let available = close - from;
                    if left <= available {
                        return (from + left).with_timezone(&Utc);
                    }
                    left -= available;
                }
            }
            let next = date.succ_opt().unwrap_or(date).and_time(NaiveTime::MIN);
            now = self.local(next);
        }
        at + Duration::minutes(minutes)
    }

    /// A local wall-clock time in the zone (the earlier one when clocks go back, the first
    /// valid one after a gap when they go forward).
    fn local(&self, t: chrono::NaiveDateTime) -> DateTime<Tz> {
        self.tz
            .from_local_datetime(&t)
            .earliest()
            .or_else(|| {
                self.tz
                    .from_local_datetime(&(t + Duration::hours(1)))
                    .earliest()
            })
            .unwrap_or_else(|| self.tz.from_utc_datetime(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    fn bucharest(minutes: u32) -> SlaSettings {
        SlaSettings {
            first_contact_minutes: minutes,
            working_hours: Some(WorkingHours {
                time_zone: "Europe/Bucharest".into(),
                ..SlaSettings::default().working_hours.expect("default hours")
            }),
        }
    }

    #[test]
    fn the_clock_runs_in_working_hours_only() {
        let sla = bucharest(15);
        // Tuesday 10:00 in Bucharest (UTC+2 in November): due 10:15 local.
        assert_eq!(
            sla.due(utc("2026-11-24T08:00:00Z")),
            utc("2026-11-24T08:15:00Z")
        );
        // Tuesday 17:50 local: 10 minutes today, 5 on Wednesday from 09:00.
        assert_eq!(
            sla.due(utc("2026-11-24T15:50:00Z")),
            utc("2026-11-25T07:05:00Z")
        );
        // Friday 20:00 local: Monday 09:15.
        assert_eq!(
            sla.due(utc("2026-11-27T18:00:00Z")),
            utc("2026-11-30T07:15:00Z")
        );
        // Saturday: Monday 09:15.
        assert_eq!(
            sla.due(utc("2026-11-28T10:00:00Z")),
            utc("2026-11-30T07:15:00Z")
        );
        let always = SlaSettings {
            first_contact_minutes: 30,
            working_hours: None,
        };
        assert_eq!(
            always.due(utc("2026-11-28T10:00:00Z")),
            utc("2026-11-28T10:30:00Z")
        );
    }

    #[test]
    fn a_persian_week_runs_saturday_to_wednesday_in_tehran() {
        let sla = SlaSettings {
            first_contact_minutes: 60,
            working_hours: Some(WorkingHours {
                days: ["sat", "sun", "mon", "tue", "wed"]
                    .map(String::from)
                    .to_vec(),
                start: "08:00".into(),
                end: "16:00".into(),
                time_zone: "Asia/Tehran".into(),
            }),
        };
        assert!(sla.check().is_ok());
        // Thursday 10:00 Tehran (UTC+3:30) is off: due Saturday 09:00 Tehran.
        assert_eq!(
            sla.due(utc("2026-11-26T06:30:00Z")),
            utc("2026-11-28T05:30:00Z")
        );
    }

    #[test]
    fn bad_settings_are_named() {
        let bad = SlaSettings {
            first_contact_minutes: 0,
            working_hours: Some(WorkingHours {
                days: vec!["funday".into()],
                start: "18:00".into(),
                end: "09:00".into(),
                time_zone: "Mars/Olympus".into(),
            }),
        };
        let fields: Vec<String> = bad
            .check()
            .expect_err("refused")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "first_contact_minutes",
                "working_hours.days[0]",
                "working_hours.end",
                "working_hours.time_zone"
            ]
        );
    }
}
