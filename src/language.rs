//! The languages a site's pages can be written in, and how each writes what pages show of
//! the data: periods, amounts in billions, bounds. British English is the default; Simplified
//! Chinese writes periods as 2023年第三季度 and amounts in 亿 (a hundred million), so
//! US$9.2bn is 92亿美元 and CNY 120.7bn is 1,207亿元, as Chinese business news does.

use crate::format::{format_number, join_names};
use crate::period::Period;

/// Whether `path` can name an edition's folder and the suffix of its translations: two or
/// three lowercase letters, then optionally `-` and up to eight letters or digits (`zh`,
/// `fr`, `pt-br`).
pub fn is_language_path(path: &str) -> bool {
    let (language, region) = path.split_once('-').unwrap_or((path, ""));
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_lowercase())
        && (path.len() == language.len()
            || ((1..=8).contains(&region.len())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    #[default]
    EnGb,
    ZhHans,
}

impl Language {
    /// The language of a BCP 47 tag: any Chinese tag (`zh`, `zh-CN`, `zh-Hans`) is
    /// Simplified Chinese, anything else British English.
    pub fn from_tag(tag: &str) -> Language {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Language::ZhHans
        } else {
            Language::EnGb
        }
    }

    /// The language's name in itself, as a language switcher offers it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::EnGb => "English",
            Language::ZhHans => "简体中文",
        }
    }

    /// The language's name as readers of `reader` call it: 英文 for English in Chinese.
    pub fn name_in(self, reader: Language) -> &'static str {
        match (self, reader) {
            (Language::EnGb, Language::EnGb) => "English",
            (Language::EnGb, Language::ZhHans) => "英文",
            (Language::ZhHans, Language::EnGb) => "Chinese",
            (Language::ZhHans, Language::ZhHans) => "中文",
        }
    }

    /// The tag pages are marked with (`lang`, `hreflang`).
    pub fn tag(self) -> &'static str {
        match self {
            Language::EnGb => "en-GB",
            Language::ZhHans => "zh-Hans",
        }
    }

    /// A period as readers see it: `Q3 2023`, `H1 2023`, `2023`; 2023年第三季度, 2023年上半年,
    /// 2023年.
    pub fn period(self, period: Period) -> String {
        match self {
            Language::EnGb => period.label(),
            Language::ZhHans => match period {
                Period::Quarter { year, quarter } => {
                    format!("{year}年第{}季度", chinese_digit(quarter))
                }
                Period::Half { year, half } => {
                    format!("{year}年{}半年", if half == 1 { "上" } else { "下" })
                }
                Period::Year { year } => format!("{year}年"),
            },
        }
    }

    /// A period as a chart's axis labels it: `Q3 '23`; 23年Q3.
    pub fn short_period(self, period: Period) -> String {
        match self {
            Language::EnGb => period.short_label(),
            Language::ZhHans => match period {
                Period::Quarter { year, quarter } => format!("{:02}年Q{quarter}", year % 100),
                Period::Half { year, half } => format!("{:02}年H{half}", year % 100),
                Period::Year { year } => format!("{year}年"),
            },
        }
    }

    /// An amount of billions of a currency, written with `decimals` decimals in English:
    /// `US$9.2bn`, `CNY 33.4bn`; in Chinese, in hundreds of millions with one decimal
    /// fewer (the same digits) and thousands grouped: 92亿美元, 1,207亿元.
    pub fn billions(self, currency: Currency, number: f64, decimals: usize) -> String {
        match self {
            Language::EnGb => {
                let n = format_number(number, decimals);
                match currency {
                    Currency::Usd => format!("US${n}bn"),
                    Currency::Cny => format!("CNY {n}bn"),
                }
            }
            Language::ZhHans => {
                let n = grouped(&format_number(number * 10.0, decimals.saturating_sub(1)));
                match currency {
                    Currency::Usd => format!("{n}亿美元"),
                    Currency::Cny => format!("{n}亿元"),
                }
            }
        }
    }

    /// A percentage: `18.5%` in both languages.
    pub fn percent(self, number: f64, decimals: usize) -> String {
        format!("{}%", format_number(number, decimals))
    }

    /// A value published as a bound or an approximation: `over US$9bn`; 超过90亿美元.
    pub fn qualified(self, bound: Bound, value: &str) -> String {
        let word = match (self, bound) {
            (Language::EnGb, Bound::Over) => "over ",
            (Language::EnGb, Bound::Under) => "under ",
            (Language::EnGb, Bound::About) => "about ",
            (Language::EnGb, Bound::JustUnder) => "just under ",
            (Language::ZhHans, Bound::Over) => "超过",
            (Language::ZhHans, Bound::Under) => "不足",
            (Language::ZhHans, Bound::About) => "约",
            (Language::ZhHans, Bound::JustUnder) => "接近",
        };
        format!("{word}{value}")
    }

    /// The space this language puts between words, and between a sentence and the next:
    /// none in Chinese.
    pub fn word_space(self) -> &'static str {
        match self {
            Language::EnGb => " ",
            Language::ZhHans => "",
        }
    }

    /// The unit of amounts in billions as a table or axis heading names it: `US$ bn`,
    /// `CNY bn`; 亿美元, 亿元.
    pub fn amount_unit(self, currency: Currency) -> &'static str {
        match (self, currency) {
            (Language::EnGb, Currency::Usd) => "US$ bn",
            (Language::EnGb, Currency::Cny) => "CNY bn",
            (Language::ZhHans, Currency::Usd) => "亿美元",
            (Language::ZhHans, Currency::Cny) => "亿元",
        }
    }

    /// Names joined in a sentence: `A, B and C`; A、B和C.
    pub fn join_names(self, names: &[&str]) -> String {
        match self {
            Language::EnGb => join_names(names),
            Language::ZhHans => match names {
                [] => String::new(),
                [one] => one.to_string(),
                [rest @ .., last] => format!("{}和{last}", rest.join("、")),
            },
        }
    }

    /// A date written `2022-06-11` (or `2022-06`, `2022`) as readers see it: as written in
    /// English; 2022年6月11日 (2022年6月, 2022年) in Chinese, months and days in digits.
    /// Anything else is left as written.
    pub fn date(self, date: &str) -> String {
        match self {
            Language::EnGb => date.to_string(),
            Language::ZhHans => chinese_date(date).unwrap_or_else(|| date.to_string()),
        }
    }
}

/// `2022-06-11`, `2022-06` or `2022` as Chinese writes it (2022年6月11日, 2022年6月,
/// 2022年); none for anything else.
fn chinese_date(date: &str) -> Option<String> {
    let number = |part: &str, digits: usize, range: std::ops::RangeInclusive<u16>| {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u16>().ok())
            .flatten()
            .filter(|n| range.contains(n))
    };
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [year] => Some(format!("{}年", number(year, 4, 0..=9999)?)),
        [year, month] => Some(format!(
            "{}年{}月",
            number(year, 4, 0..=9999)?,
            number(month, 2, 1..=12)?
        )),
        [year, month, day] => Some(format!(
            "{}年{}月{}日",
            number(year, 4, 0..=9999)?,
            number(month, 2, 1..=12)?,
            number(day, 2, 1..=31)?
        )),
        _ => None,
    }
}

/// The currencies amounts are published in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Currency {
    Usd,
    Cny,
}

/// How a figure not published as an exact number is bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    Over,
    Under,
    About,
    JustUnder,
}

fn chinese_digit(n: u8) -> &'static str {
    match n {
        1 => "一",
        2 => "二",
        3 => "三",
        4 => "四",
        5 => "五",
        6 => "六",
        7 => "七",
        8 => "八",
        9 => "九",
        _ => "",
    }
}

/// A formatted number with its whole part grouped in thousands: `1207.5` → `1,207.5`.
fn grouped(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(number.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_names_its_language() {
        for tag in ["zh", "zh-CN", "zh-Hans", "ZH_hans"] {
            assert_eq!(Language::from_tag(tag), Language::ZhHans, "{tag}");
        }
        for tag in ["en", "en-GB", "en-US", "fr", ""] {
            assert_eq!(Language::from_tag(tag), Language::EnGb, "{tag}");
        }
        assert_eq!(Language::ZhHans.tag(), "zh-Hans");
    }

    #[test]
    fn periods_read_as_each_language_writes_them() {
        let p = |s: &str| s.parse::<Period>().unwrap();
        let zh = Language::ZhHans;
        assert_eq!(zh.period(p("2023-Q3")), "2023年第三季度");
        assert_eq!(zh.period(p("2024-Q1")), "2024年第一季度");
        assert_eq!(zh.period(p("2023-H1")), "2023年上半年");
        assert_eq!(zh.period(p("2023-H2")), "2023年下半年");
        assert_eq!(zh.period(p("2023")), "2023年");
        assert_eq!(zh.short_period(p("2023-Q3")), "23年Q3");
        assert_eq!(zh.short_period(p("2005-H2")), "05年H2");
        assert_eq!(Language::EnGb.period(p("2023-Q3")), "Q3 2023");
        assert_eq!(Language::EnGb.short_period(p("2023-Q3")), "Q3 '23");
    }

    #[test]
    fn billions_are_hundreds_of_millions_in_chinese_with_the_same_digits() {
        let zh = Language::ZhHans;
        assert_eq!(zh.billions(Currency::Usd, 9.2, 1), "92亿美元");
        assert_eq!(zh.billions(Currency::Cny, 120.7, 1), "1,207亿元");
        assert_eq!(zh.billions(Currency::Cny, 39.82, 2), "398.2亿元");
        assert_eq!(zh.billions(Currency::Usd, 33.0, 0), "330亿美元");
        assert_eq!(zh.billions(Currency::Cny, 1234.5, 1), "12,345亿元");
        assert_eq!(zh.billions(Currency::Cny, -0.4, 1), "-4亿元");
        let en = Language::EnGb;
        assert_eq!(en.billions(Currency::Usd, 9.2, 1), "US$9.2bn");
        assert_eq!(en.billions(Currency::Cny, 120.7, 1), "CNY 120.7bn");
    }

    #[test]
    fn bounds_and_percentages() {
        assert_eq!(
            Language::ZhHans.qualified(Bound::Over, "90亿美元"),
            "超过90亿美元"
        );
        assert_eq!(Language::ZhHans.qualified(Bound::About, "18%"), "约18%");
        assert_eq!(
            Language::EnGb.qualified(Bound::JustUnder, "18%"),
            "just under 18%"
        );
        assert_eq!(Language::ZhHans.percent(18.46, 1), "18.5%");
        assert_eq!(grouped("1234567.89"), "1,234,567.89");
        assert_eq!(grouped("-999"), "-999");
        assert_eq!(grouped("-1000"), "-1,000");
    }

    #[test]
    fn dates_names_and_units_as_each_language_writes_them() {
        let zh = Language::ZhHans;
        assert_eq!(zh.date("2022-06-11"), "2022年6月11日");
        assert_eq!(zh.date("2020-11"), "2020年11月");
        assert_eq!(zh.date("2021"), "2021年");
        assert_eq!(zh.date("2021-13"), "2021-13");
        assert_eq!(zh.date("soon"), "soon");
        assert_eq!(Language::EnGb.date("2022-06-11"), "2022-06-11");
        assert_eq!(
            zh.join_names(&["阿里云", "华为云", "腾讯云"]),
            "阿里云、华为云和腾讯云"
        );
        assert_eq!(zh.join_names(&["阿里云"]), "阿里云");
        assert_eq!(Language::EnGb.join_names(&["A", "B", "C"]), "A, B and C");
        assert_eq!(zh.amount_unit(Currency::Usd), "亿美元");
        assert_eq!(Language::EnGb.amount_unit(Currency::Cny), "CNY bn");
    }
}
