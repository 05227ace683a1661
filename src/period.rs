//! The `Period` type: a calendar quarter, half year or full year, as editors write it
//! (`2023-Q3`, `2023-H1`, `2023` or `2023-FY`). Periods order by when they end, then shortest first.

use std::fmt;
use std::str::FromStr;

/// How long a period lasts. A dataset keeps to one granularity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Quarter,
    Half,
    Year,
}

impl Granularity {
    pub fn noun(self) -> &'static str {
        match self {
            Granularity::Quarter => "quarter",
            Granularity::Half => "half year",
            Granularity::Year => "year",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Period {
    Quarter { year: u16, quarter: u8 },
    Half { year: u16, half: u8 },
    Year { year: u16 },
}

impl Period {
    pub fn year(self) -> u16 {
        match self {
            Period::Quarter { year, .. } | Period::Half { year, .. } | Period::Year { year } => {
                year
            }
        }
    }

    pub fn granularity(self) -> Granularity {
        match self {
            Period::Quarter { .. } => Granularity::Quarter,
            Period::Half { .. } => Granularity::Half,
            Period::Year { .. } => Granularity::Year,
        }
    }

    /// The last month of the period (1-12): the key periods are ordered by.
    fn end_month(self) -> u8 {
        match self {
            Period::Quarter { quarter, .. } => quarter * 3,
            Period::Half { half, .. } => half * 6,
            Period::Year { .. } => 12,
        }
    }

    /// The period before this one of the same granularity, if any.
    pub fn previous(self) -> Option<Period> {
        match self {
            Period::Quarter { year, quarter: 1 } => Some(Period::Quarter {
                year: year.checked_sub(1)?,
                quarter: 4,
            }),
            Period::Quarter { year, quarter } => Some(Period::Quarter {
                year,
                quarter: quarter - 1,
            }),
            Period::Half { year, half: 1 } => Some(Period::Half {
                year: year.checked_sub(1)?,
                half: 2,
            }),
            Period::Half { year, .. } => Some(Period::Half { year, half: 1 }),
            Period::Year { year } => Some(Period::Year {
                year: year.checked_sub(1)?,
            }),
        }
    }

    /// The period after this one of the same granularity, if any.
    pub fn next(self) -> Option<Period> {
        match self {
            Period::Quarter { year, quarter: 4 } => Some(Period::Quarter {
                year: year.checked_add(1).filter(|y| *y <= MAX_YEAR)?,
                quarter: 1,
            }),
            Period::Quarter { year, quarter } => Some(Period::Quarter {
                year,
                quarter: quarter + 1,
            }),
            Period::Half { year, half: 2 } => Some(Period::Half {
                year: year.checked_add(1).filter(|y| *y <= MAX_YEAR)?,
                half: 1,
            }),
            Period::Half { year, .. } => Some(Period::Half { year, half: 2 }),
            Period::Year { year } => Some(Period::Year {
                year: year.checked_add(1).filter(|y| *y <= MAX_YEAR)?,
            }),
        }
    }

    /// The same period one year earlier.
    pub fn year_before(self) -> Option<Period> {
        let shift = |y: u16| y.checked_sub(1).filter(|y| *y >= MIN_YEAR);
        Some(match self {
            Period::Quarter { year, quarter } => Period::Quarter {
                year: shift(year)?,
                quarter,
            },
            Period::Half { year, half } => Period::Half {
                year: shift(year)?,
                half,
            },
            Period::Year { year } => Period::Year { year: shift(year)? },
        })
    }

    /// The last day of the period, as `YYYY-MM-DD`.
    pub fn end_date(self) -> String {
        let month = self.end_month();
        let day = if month == 3 || month == 12 { 31 } else { 30 };
        format!("{:04}-{month:02}-{day:02}", self.year())
    }

    /// The form used in file names and URLs: `2023-q3`, `2023-h1`, `2023`.
    pub fn slug(self) -> String {
        self.to_string().to_ascii_lowercase()
    }

    /// The form readers see: `Q3 2023`, `H1 2023`, `2023`.
    pub fn label(self) -> String {
        match self {
            Period::Quarter { year, quarter } => part_and_year('Q', quarter, year),
            Period::Half { year, half } => part_and_year('H', half, year),
            Period::Year { year } => year.to_string(),
        }
    }

    /// A compact axis label: `Q3 '23`, `H1 '23`, `2023`.
    pub fn short_label(self) -> String {
        match self {
            Period::Quarter { year, quarter } => format!("Q{quarter} '{:02}", year % 100),
            Period::Half { year, half } => format!("H{half} '{:02}", year % 100),
            Period::Year { year } => year.to_string(),
        }
    }
}

/// `Q3 2023`, written without the formatting machinery (charts label every point).
fn part_and_year(letter: char, part: u8, year: u16) -> String {
    let mut label = String::with_capacity(8);
    label.push(letter);
    label.push_str(itoa::Buffer::new().format(part));
    label.push(' ');
    label.push_str(itoa::Buffer::new().format(year));
    label
}

const MIN_YEAR: u16 = 1000;
const MAX_YEAR: u16 = 9999;

impl Ord for Period {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year(), self.end_month(), self.granularity()).cmp(&(
            other.year(),
            other.end_month(),
            other.granularity(),
        ))
    }
}

impl PartialOrd for Period {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Half { year, half } => write!(f, "{year}-H{half}"),
            Period::Year { year } => write!(f, "{year}"),
        }
    }
}

/// Why a period did not parse; the message is shown to editors as is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || {
            PeriodError(format!(
                "`{text}` is not a period: write a quarter `2023-Q3`, a half `2023-H1` or a year `2023`"
            ))
        };
        let (year_text, rest) = match text.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (text, None),
        };
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: u16 = year_text.parse().map_err(|_| bad())?;
        if year < MIN_YEAR {
            return Err(bad());
        }
        let Some(rest) = rest else {
            return Ok(Period::Year { year });
        };
        let upper = rest.to_ascii_uppercase();
        match upper.as_bytes() {
            [b'F', b'Y'] => Ok(Period::Year { year }),
            [b'Q', n @ b'1'..=b'4'] => Ok(Period::Quarter {
                year,
                quarter: n - b'0',
            }),
            [b'Q', _] => Err(PeriodError(format!(
                "`{text}` names quarter {rest}: quarters run from Q1 to Q4"
            ))),
            [b'H', n @ b'1'..=b'2'] => Ok(Period::Half {
                year,
                half: n - b'0',
            }),
            [b'H', _] => Err(PeriodError(format!(
                "`{text}` names half {rest}: halves are H1 and H2"
            ))),
            _ => Err(bad()),
        }
    }
}

impl serde::Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    #[test]
    fn parses_quarters_halves_and_years() {
        assert_eq!(
            p("2023-Q3"),
            Period::Quarter {
                year: 2023,
                quarter: 3
            }
        );
        assert_eq!(
            p("2023-q3"),
            Period::Quarter {
                year: 2023,
                quarter: 3
            }
        );
        assert_eq!(
            p("2025-H1"),
            Period::Half {
                year: 2025,
                half: 1
            }
        );
        assert_eq!(p("2021"), Period::Year { year: 2021 });
        assert_eq!(p("2021-FY"), Period::Year { year: 2021 });
    }

    #[test]
    fn rejects_malformed_periods_with_a_reason() {
        for bad in [
            "2023-Q5", "2023-Q0", "2023-H3", "23-Q1", "2023Q1", "Q3 2023", "", "2023-", "0999",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad} should not parse");
        }
        let err = "2023-Q5".parse::<Period>().unwrap_err();
        assert!(err.0.contains("Q1 to Q4"), "{err}");
    }

    #[test]
    fn orders_by_end_then_longest_last() {
        let mut ps = [
            p("2024"),
            p("2023-Q4"),
            p("2023-H2"),
            p("2023"),
            p("2023-Q1"),
            p("2022-Q4"),
        ];
        ps.sort();
        let shown: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            shown,
            ["2022-Q4", "2023-Q1", "2023-Q4", "2023-H2", "2023", "2024"]
        );
    }

    #[test]
    fn prints_round_trip_and_labels() {
        for text in ["2019-Q1", "2025-H2", "2020"] {
            assert_eq!(p(text).to_string(), text);
        }
        assert_eq!(p("2023-Q3").label(), "Q3 2023");
        assert_eq!(p("2023-Q3").slug(), "2023-q3");
        assert_eq!(p("2023-Q3").short_label(), "Q3 '23");
        assert_eq!(p("2023-Q3").end_date(), "2023-09-30");
        assert_eq!(p("2023-Q1").end_date(), "2023-03-31");
        assert_eq!(p("2023-H1").end_date(), "2023-06-30");
        assert_eq!(p("2023").end_date(), "2023-12-31");
    }

    #[test]
    fn steps_across_year_ends() {
        assert_eq!(p("2023-Q1").previous(), Some(p("2022-Q4")));
        assert_eq!(p("2022-Q4").next(), Some(p("2023-Q1")));
        assert_eq!(p("2023-Q3").year_before(), Some(p("2022-Q3")));
        assert_eq!(p("2023-H1").previous(), Some(p("2022-H2")));
        assert_eq!(p("9999-Q4").next(), None);
    }
}
