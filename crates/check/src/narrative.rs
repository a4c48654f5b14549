//! Checks of a narrative report: the arithmetic its sentences state or imply, the grade it
//! names against the score it gives, and its heading numbering.

use crate::numbers::{figures, judge, show, Figure, Judgement, Unit};
use crate::read::Paragraph;
use crate::{Finding, Rules, Severity};
use rust_decimal::Decimal;

/// A rate the text states for a pair of amounts: which words label the rate, the numerator
/// and the denominator.
struct RateRule {
    rate: &'static [&'static str],
    numerator: &'static [&'static str],
    denominator: &'static [&'static str],
    name: &'static str,
}

const RATE_RULES: &[RateRule] = &[
    RateRule {
        rate: &["执行率", "完成预算的"],
        numerator: &["执行数", "支出数"],
        denominator: &["预算数", "调整后预算", "全年预算"],
        name: "预算执行率 = 执行数 ÷ 预算数（财预〔2020〕10号）",
    },
    RateRule {
        rate: &["拨付进度", "支付进度", "拨付率", "支付率"],
        numerator: &["拨付", "支付"],
        denominator: &["预算", "下达", "安排"],
        name: "资金拨付进度 = 已拨付数 ÷ 预算数",
    },
    RateRule {
        rate: &["收支比率"],
        numerator: &["支出"],
        denominator: &["收入"],
        name: "收支比率 = 支出 ÷ 收入",
    },
];

/// Clause boundaries: a figure's label is the text after the last of these before it.
fn is_boundary(c: char) -> bool {
    matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | ':' | '、' | '\n')
}

/// Where a figure's clause begins.
fn clause_start(chars: &[char], f: &Figure) -> usize {
    let mut s = f.start;
    while s > 0 && !is_boundary(chars[s - 1]) {
        s -= 1;
    }
    s
}

/// The label of a figure: the words of its clause before it.
fn label(chars: &[char], f: &Figure) -> String {
    chars[clause_start(chars, f)..f.start].iter().collect()
}

/// Sentences of a paragraph as character ranges, ended by 。；! ? or the end.
fn sentences(chars: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for (i, c) in chars.iter().enumerate() {
        if matches!(c, '。' | '；' | ';' | '！' | '？') {
            out.push((s, i + 1));
            s = i + 1;
        }
    }
    if s < chars.len() {
        out.push((s, chars.len()));
    }
    out
}

fn excerpt(chars: &[char], from: usize, to: usize) -> String {
    let from = from.min(chars.len());
    let to = to.min(chars.len()).max(from);
    let s: String = chars[from..to].iter().collect();
    let s = s.trim().trim_end_matches(['。', '，', '；']).to_string();
    if s.chars().count() > 60 {
        let head: String = s.chars().take(58).collect();
        format!("{head}…")
    } else {
        s
    }
}

/// A budget and execution stated for one subject, for the check that a quantity stated twice
/// is stated the same.
struct Statement {
    subject: String,
    what: &'static str,
    figure: Figure,
    location: String,
    excerpt: String,
}

/// The subject a paragraph speaks of: the words before its first colon, or the latest
/// heading; with numbering and the words 工作/项目/支出/专项 taken off.
fn normalise_subject(text: &str) -> String {
    let mut s = strip_numbering(text.trim()).trim().to_string();
    loop {
        let before = s.clone();
        for suffix in ["工作", "项目", "支出", "专项", "情况"] {
            if let Some(t) = s.strip_suffix(suffix) {
                s = t.to_string();
            }
        }
        if s == before {
            return s;
        }
    }
}

/// Checks the paragraphs of one document.
pub fn check(file: &str, paragraphs: &[Paragraph], rules: &Rules) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut statements: Vec<Statement> = Vec::new();
    let mut heading_subject = String::new();
    // Prose from mirror sites, in traditional characters with pinyin after each one, is read
    // (and quoted) as simplified characters without the pinyin; other prose is unchanged.
    let read: Vec<Paragraph> = paragraphs
        .iter()
        .map(|p| Paragraph {
            location: p.location.clone(),
            text: crate::table::simplify(&p.text),
        })
        .collect();
    for p in &read {
        let chars: Vec<char> = p.text.chars().collect();
        let figs = figures(&p.text);
        let finding =
            |severity, check, excerpt: String, stated, recomputed, rule: String| Finding {
                severity,
                check,
                file: file.to_string(),
                location: p.location.clone(),
                excerpt,
                stated,
                recomputed,
                rule,
            };
        if heading(&p.text).is_some() && chars.len() <= 40 {
            heading_subject = p.text.clone();
        }
        // What the paragraph speaks of: the words before its colon, or its heading — the
        // latter only when the paragraph states one rate (a paragraph of several projects
        // cannot be told apart by its heading).
        let rates_stated = figs
            .iter()
            .filter(|f| {
                f.unit == Unit::Percent
                    && (label(&chars, f).contains("执行率")
                        || label(&chars, f).contains("完成预算的"))
            })
            .count();
        let subject = match p.text.split_once('：') {
            Some((head, _))
                if head.chars().count() <= 30 && !head.chars().any(|c| c.is_ascii_digit()) =>
            {
                normalise_subject(head)
            }
            _ if rates_stated == 1 => normalise_subject(&heading_subject),
            _ => String::new(),
        };

        // Rates stated for an amount pair: the nearest labelled amounts before the rate.
        for (i, rate) in figs.iter().enumerate() {
            if rate.unit != Unit::Percent {
                continue;
            }
            let rate_label = label(&chars, rate);
            let Some(rule) = RATE_RULES
                .iter()
                .find(|r| r.rate.iter().any(|w| rate_label.contains(w)))
            else {
                continue;
            };
            let find = |words: &[&str], other: &[&str]| -> Option<&Figure> {
                figs[..i].iter().rev().find(|f| {
                    let l = label(&chars, f);
                    f.yuan().is_some()
                        && !l.contains("其中")
                        && words.iter().any(|w| l.contains(w))
                        && !other.iter().any(|w| l.contains(w) && !words.contains(w))
                })
            };
            // The amount left unspent (支付18501.096万元，未支703万元，支付率95%): with no
            // budget stated, the rate is of their sum.
            let unspent = find(&["未支", "未拨", "未执行", "未使用"], &[]);
            let Some(num) = find(rule.numerator, &["未"]) else {
                continue;
            };
            let (den, den_text, d) = match (find(rule.denominator, rule.numerator), unspent) {
                (Some(den), _) => (Some(den), den.text.clone(), den.yuan()),
                (None, Some(u)) if u.start > num.start => (
                    None,
                    format!("（{} + {}）", num.text, u.text),
                    num.yuan().zip(u.yuan()).map(|(n, u)| n + u),
                ),
                _ => continue,
            };
            let (Some(n), Some(d)) = (num.yuan(), d) else {
                continue;
            };
            if d.is_zero() {
                continue;
            }
            let exact = n / d * Decimal::from(100);
            let first = match den {
                Some(den) if den.start < num.start => den,
                _ => num,
            };
            let text = excerpt(&chars, clause_start(&chars, first), rate.end);
            match judge(exact, rate.value, rate.dp) {
                Judgement::Agrees => {}
                Judgement::OnlyBy(modes) => out.push(finding(
                    Severity::Note,
                    "rate",
                    text,
                    rate.text.clone(),
                    format!(
                        "{}%",
                        show(
                            jixiao_domain::number::Rounding::HalfAwayFromZero.round(exact, rate.dp),
                            rate.dp
                        )
                    ),
                    format!(
                        "{}：{} ÷ {} = {}%，写作的数只有按{}才能得到",
                        rule.name,
                        num.text,
                        den_text,
                        show(exact.round_dp(4), 4),
                        modes
                            .iter()
                            .map(|m| m.label())
                            .collect::<Vec<_>>()
                            .join("或")
                    ),
                )),
                Judgement::Wrong(expected) => out.push(finding(
                    Severity::Error,
                    "rate",
                    text,
                    rate.text.clone(),
                    format!("{}%", show(expected, rate.dp)),
                    format!(
                        "{}：{} ÷ {} = {}%",
                        rule.name,
                        num.text,
                        den_text,
                        show(exact.round_dp(4), 4)
                    ),
                )),
            }
            if let Some(den) = den.filter(|_| rule.rate.contains(&"执行率") && !subject.is_empty())
            {
                for (what, f) in [("预算数", den), ("执行数", num)] {
                    statements.push(Statement {
                        subject: subject.clone(),
                        what,
                        figure: f.clone(),
                        location: p.location.clone(),
                        excerpt: excerpt(&chars, clause_start(&chars, f), f.end),
                    });
                }
            }
        }

        for (s, e) in sentences(&chars) {
            let in_sentence: Vec<&Figure> =
                figs.iter().filter(|f| f.start >= s && f.end <= e).collect();
            // Parts against a stated total: 46套…7套…共52套.
            for (k, total) in in_sentence.iter().enumerate() {
                let before: String = chars[s..total.start].iter().collect();
                let marker = before.trim_end();
                if !["共", "合计", "总计", "共计"]
                    .iter()
                    .any(|m| marker.ends_with(m))
                {
                    continue;
                }
                let parts: Vec<&&Figure> = in_sentence[..k]
                    .iter()
                    .filter(|f| f.unit == total.unit && !label(&chars, f).contains("其中"))
                    .filter(|f| {
                        let b: String = chars[s..f.start].iter().collect();
                        let b = b.trim_end();
                        !["共", "合计", "总计", "共计"]
                            .iter()
                            .any(|m| b.ends_with(m))
                    })
                    .collect();
                if parts.len() < 2 || parts.iter().any(|f| f.more || f.near) || total.more {
                    continue;
                }
                let sum: Decimal = parts.iter().map(|f| f.value).sum();
                if sum != total.value {
                    let dp = decimals(parts.iter().map(|f| **f), total);
                    out.push(finding(
                        Severity::Error,
                        "sum",
                        excerpt(&chars, s, e),
                        total.text.clone(),
                        show(sum, dp),
                        format!(
                            "分项之和应等于合计：{} = {}",
                            parts
                                .iter()
                                .map(|f| show(f.value, dp))
                                .collect::<Vec<_>>()
                                .join(" + "),
                            show(sum, dp)
                        ),
                    ));
                }
            }
        }

        breakdowns(
            &chars,
            &figs,
            &mut |severity, check, excerpt, stated, recomputed, rule| {
                out.push(finding(severity, check, excerpt, stated, recomputed, rule))
            },
        );

        // The grade named against the total score given.
        if let (Some((grade, grade_at)), Some(score)) =
            (grade_word(&p.text), total_score(&p.text, &figs))
        {
            let expected = rules.grading.grade(score.value);
            if !same_grade(grade, &expected.code) {
                out.push(finding(
                    Severity::Warning,
                    "grade",
                    excerpt(&chars, grade_at.saturating_sub(8), score.end),
                    grade.to_string(),
                    expected.label.clone(),
                    format!(
                        "{}分对应的等级；{}",
                        score.text.trim_end_matches('分'),
                        rules.grading_source
                    ),
                ));
            }
        }

        // An exact-looking number with 多/余, or 近 and 余 together.
        for f in &figs {
            if f.near && f.more {
                out.push(finding(
                    Severity::Note,
                    "approximation",
                    f.text.clone(),
                    format!("近{}", f.text),
                    String::new(),
                    "“近”（不到）与“余/多”（超过）同时修饰一个数，意思相反，应只留一个或写出确数"
                        .into(),
                ));
            } else if f.more
                && !f.value.is_zero()
                && f.value.fract().is_zero()
                && f.value % Decimal::from(10) != Decimal::ZERO
                && f.value > Decimal::from(100)
            {
                out.push(finding(
                    Severity::Note,
                    "approximation",
                    f.text.clone(),
                    f.text.clone(),
                    String::new(),
                    "确数后又加“多/余”：写确数就不用“多/余”，用约数则取整".into(),
                ));
            }
        }
    }

    // The same quantity stated twice with different values.
    for (i, a) in statements.iter().enumerate() {
        if let Some(b) = statements[..i].iter().find(|b| {
            b.subject == a.subject && b.what == a.what && b.figure.yuan() != a.figure.yuan()
        }) {
            out.push(Finding {
                severity: Severity::Error,
                check: "same-quantity",
                file: file.to_string(),
                location: a.location.clone(),
                excerpt: a.excerpt.clone(),
                stated: a.figure.text.clone(),
                recomputed: b.figure.text.clone(),
                rule: format!(
                    "同一数额前后应一致：“{}”的{}在{}写作 {}（“{}”）",
                    a.subject, a.what, b.location, b.figure.text, b.excerpt
                ),
            });
        }
    }

    out.extend(full_payment_claims(file, &read));
    out.extend(over_target_rates(file, &read));
    out.extend(unit_slips(file, &read));
    out.extend(standard_costs(file, &read));
    out.extend(standard_unit_slips(file, &read));
    out.extend(same_label_amounts(file, &read));
    out.extend(headings(file, &read));
    out
}

/// The words that name an amount, without what only places it (the unit's name, the year, 其中,
/// 下达): `1.某镇人民政府2023年度下达中央级资金转移支付` names `中央级资金转移支付`.
fn amount_label(label: &str) -> Option<String> {
    let mut l = label.trim();
    for cut in ["其中", "下达", "年度", "：", ":", "为", "。"] {
        if let Some(at) = l.rfind(cut) {
            l = &l[at + cut.len()..];
        }
    }
    let l = l.trim();
    let money = ["资金", "经费", "支付", "拨款", "补助", "投资"];
    (l.chars().count() >= 5 && money.iter().any(|m| l.ends_with(m))).then(|| l.to_string())
}

/// The same named amount stated with different values in two paragraphs (`其中：中央级资金转移
/// 支付124.23万元` here, `下达中央级资金转移支付755.19万元` there), once per pair of paragraphs.
fn same_label_amounts(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let mut seen: Vec<(String, usize, Figure)> = Vec::new();
    let mut out = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // What a paragraph is about: its opening words, numbering left aside (two paragraphs on
    // two projects may name their amounts alike).
    let about = |t: &str| -> String {
        t.trim_start_matches(|c: char| {
            c.is_ascii_digit() || "()（）.、一二三四五六七八九十 ".contains(c)
        })
        .chars()
        .take(8)
        .collect()
    };
    for (i, p) in paragraphs.iter().enumerate() {
        let chars: Vec<char> = p.text.chars().collect();
        for f in figures(&p.text)
            .into_iter()
            .filter(|f| matches!(f.unit, Unit::Money(_)))
        {
            let Some(name) = amount_label(&label(&chars, &f)) else {
                continue;
            };
            if let Some((_, j, g)) = seen.iter().find(|(n, j, g)| {
                *n == name
                    && *j != i
                    && g.yuan() != f.yuan()
                    && about(&paragraphs[*j].text) == about(&p.text)
            }) {
                if !pairs.contains(&(*j, i)) {
                    pairs.push((*j, i));
                    out.push(Finding {
                        severity: Severity::Warning,
                        check: "same-quantity",
                        file: file.to_string(),
                        location: p.location.clone(),
                        excerpt: excerpt(&chars, clause_start(&chars, &f), f.end),
                        stated: f.text.clone(),
                        recomputed: g.text.clone(),
                        rule: format!(
                            "同一笔资金前后应一致：“{name}”在{}写作 {}",
                            paragraphs[*j].location, g.text
                        ),
                    });
                }
            }
            seen.push((name, i, f));
        }
    }
    out
}

/// A rate of overachievement (`实际改造数超任务43%`) against the task and the actual count the
/// text gives before it (`任务数为115户……实际完成……264户`): (actual − task) ÷ task.
fn over_target_rates(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let mut task: Option<Figure> = None;
    let mut done: Option<Figure> = None;
    let mut out = Vec::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        for f in figures(&p.text) {
            let l = label(&chars, &f);
            match f.unit {
                Unit::Count(_) if l.contains("任务") => task = Some(f),
                Unit::Count(_) if l.contains("实际完成") || l.contains("实际改造") => {
                    done = Some(f)
                }
                Unit::Percent
                    if l.trim_end().ends_with("超任务") || l.trim_end().ends_with("超额完成") =>
                {
                    let (Some(t), Some(a)) = (&task, &done) else {
                        continue;
                    };
                    if t.unit != a.unit || t.value.is_zero() {
                        continue;
                    }
                    let exact = (a.value - t.value) / t.value * Decimal::from(100);
                    if let Judgement::Wrong(e) = judge(exact, f.value, f.dp) {
                        out.push(Finding {
                            severity: Severity::Error,
                            check: "rate",
                            file: file.to_string(),
                            location: p.location.clone(),
                            excerpt: excerpt(&chars, clause_start(&chars, &f), f.end),
                            stated: f.text.clone(),
                            recomputed: format!("{}%", show(e, f.dp)),
                            rule: format!(
                                "超任务比例 = (实际完成 − 任务) ÷ 任务：({} − {}) ÷ {}",
                                a.text, t.text, t.text
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// Instalments of one amount with one of them written in 元 among 万元 (`经费170万元……3月到账70万元，
/// 6月到账60万元，10月到账20元，11月到账20万元`): reported when reading that one as 万元 makes the
/// instalments the amount stated before them — a unit slip, not a payment of 20 yuan.
fn unit_slips(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let wan = Decimal::from(10_000);
    let mut out = Vec::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        let figs = figures(&p.text);
        for (s, e) in sentences(&chars) {
            let money: Vec<&Figure> = figs
                .iter()
                .filter(|f| f.start >= s && f.end <= e && f.yuan().is_some())
                .collect();
            // Instalments: three or more amounts whose labels end alike (…到账, …拨付).
            let tail = |f: &Figure| -> String {
                let l: Vec<char> = label(&chars, f).trim_end().chars().collect();
                l[l.len().saturating_sub(2)..].iter().collect()
            };
            for (k, first) in money.iter().enumerate() {
                let t = tail(first);
                if t.chars().count() < 2 || money[..k].iter().any(|f| tail(f) == t) {
                    continue;
                }
                let group: Vec<&Figure> = money[k..]
                    .iter()
                    .copied()
                    .filter(|f| tail(f) == t)
                    .collect();
                let in_yuan: Vec<&&Figure> = group
                    .iter()
                    .filter(|f| f.unit == Unit::Money(Decimal::ONE))
                    .collect();
                let in_wan = group.iter().filter(|f| f.unit == Unit::Money(wan)).count();
                if group.len() < 3 || in_yuan.len() != 1 || in_wan + 1 != group.len() {
                    continue;
                }
                let slip = in_yuan[0];
                let printed: Decimal = group.iter().filter_map(|f| f.yuan()).sum();
                let read_as_wan = printed - slip.value + slip.value * wan;
                let Some(total) = figs
                    .iter()
                    .filter(|f| f.end <= group[0].start)
                    .find(|f| f.yuan() == Some(read_as_wan))
                else {
                    continue;
                };
                out.push(Finding {
                    severity: Severity::Warning,
                    check: "sum",
                    file: file.to_string(),
                    location: p.location.clone(),
                    excerpt: excerpt(&chars, clause_start(&chars, group[0]), group[group.len() - 1].end),
                    stated: group.iter().map(|f| f.text.clone()).collect::<Vec<_>>().join(" + "),
                    recomputed: format!("{}万元", show(printed / wan, 4)),
                    rule: format!(
                        "各次“{t}”之和应等于{}：按所写为 {}万元；把“{}”读作 {}万元 才相等，单位疑有误",
                        total.text,
                        show(printed / wan, 4),
                        slip.text,
                        show(slip.value, slip.dp)
                    ),
                });
            }
        }
    }
    out
}

/// A standard per head written `标准300/人` (or `300元/人`) beside the count it pays
/// (`慰问对象120人`), and an amount in 元 elsewhere in the document that is their product only
/// when read as 万元 (`资金配套3.6元`: 120 × 300 = 36,000元 = 3.6万元): the amount's unit slipped.
/// Only the exact product counts, so an amount that is merely small is left alone.
fn standard_unit_slips(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let wan = Decimal::from(10_000);
    let mut products: Vec<(Decimal, String)> = Vec::new();
    for p in paragraphs {
        let figs = figures(&p.text);
        let mut rest = p.text.as_str();
        while let Some(at) = rest.find("标准") {
            rest = &rest[at + "标准".len()..];
            let digits: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let yuan = if rest[digits.len()..].starts_with('元') {
                "元"
            } else {
                ""
            };
            let tail = rest[digits.len()..].trim_start_matches('元');
            let Some(item) = tail.strip_prefix('/').and_then(|t| t.chars().next()) else {
                continue;
            };
            let Ok(per) = digits.parse::<Decimal>() else {
                continue;
            };
            if let Some(count) = figs.iter().find(|f| f.unit == Unit::Count(item)) {
                products.push((
                    count.value * per,
                    format!("{} × {digits}{yuan}/{item}", count.text),
                ));
            }
        }
    }
    let mut out = Vec::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        for f in figures(&p.text)
            .iter()
            .filter(|f| f.unit == Unit::Money(Decimal::ONE))
        {
            let Some((product, how)) = products
                .iter()
                .find(|(v, _)| *v == f.value * wan && !v.is_zero())
            else {
                continue;
            };
            out.push(Finding {
                severity: Severity::Warning,
                check: "same-quantity",
                file: file.to_string(),
                location: p.location.clone(),
                excerpt: excerpt(&chars, clause_start(&chars, f), f.end),
                stated: f.text.clone(),
                recomputed: format!("{}元（{}万元）", show(*product, 0), show(f.value, f.dp)),
                rule: format!(
                    "按标准测算 {how} = {}元；文中写作“{}”，读作 {}万元 才相等，单位疑漏“万”",
                    show(*product, 0),
                    f.text,
                    show(f.value, f.dp)
                ),
            });
        }
    }
    out
}

/// An amount reckoned at a standard per item (`按照规定每卷(册)2元的标准测算，争取到……资金21.44万元`)
/// against the count of those items the paragraph states as its total (`合计共132697卷`): the
/// amount must be the count × the standard, or another stated count of the same items × it.
/// A standard per item per period (每人每月) is left alone: its months are not written.
fn standard_costs(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let mut out = Vec::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        let figs = figures(&p.text);
        for (k, per) in figs.iter().enumerate() {
            if per.unit != Unit::Money(Decimal::ONE) {
                continue;
            }
            // 每卷(册)2元: the items are the classifiers between 每 and the figure.
            let before: String = chars[per.start.saturating_sub(8)..per.start]
                .iter()
                .collect();
            let Some(at) = before.rfind('每') else {
                continue;
            };
            let items: String = before[at + '每'.len_utf8()..].to_string();
            let after: String = chars[per.end..(per.end + 4).min(chars.len())]
                .iter()
                .collect();
            if items.contains(['月', '年', '天', '日', '次']) || !after.contains("标准") {
                continue;
            }
            let counted = |f: &Figure| matches!(f.unit, Unit::Count(c) if items.contains(c));
            let Some(amount) = figs[k + 1..].iter().find(|f| {
                matches!(f.unit, Unit::Money(_)) && f.yuan().is_some_and(|y| y > per.value)
            }) else {
                continue;
            };
            let counts: Vec<&Figure> = figs[..k].iter().filter(|f| counted(f)).collect();
            let Some(total) = counts
                .iter()
                .find(|f| label(&chars, f).contains('共') || label(&chars, f).contains("合计"))
            else {
                continue;
            };
            let Unit::Money(factor) = amount.unit.clone() else {
                continue;
            };
            let fits = |c: &Figure| {
                let v = c.value * per.value / factor;
                jixiao_domain::number::Rounding::HalfAwayFromZero.round(v, amount.dp)
                    == amount.value
            };
            if counts.iter().any(|c| fits(c)) || amount.value.is_zero() {
                continue;
            }
            let should = total.value * per.value / factor;
            out.push(Finding {
                severity: Severity::Warning,
                check: "same-quantity",
                file: file.to_string(),
                location: p.location.clone(),
                excerpt: excerpt(&chars, clause_start(&chars, per), amount.end),
                stated: amount.text.clone(),
                recomputed: format!(
                    "{}{}",
                    show(should, amount.dp),
                    if factor == Decimal::from(10_000) {
                        "万元"
                    } else if factor == Decimal::ONE {
                        "元"
                    } else {
                        "亿元"
                    }
                ),
                rule: format!(
                    "按标准测算的金额应为数量 × 标准：{} × {} = {}，文中所列其他数量亦不能得出 {}",
                    total.text,
                    per.text,
                    show(should, amount.dp),
                    amount.text
                ),
            });
        }
    }
    out
}

/// An amount said to be paid out in full (`资金2179万元已全部拨付`) and, elsewhere, the same
/// amount with less paid (`资金共2179万元……已完成拨付2113.63万元`): both cannot hold.
fn full_payment_claims(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    const FULL: &[&str] = &["全部拨付", "全额拨付", "全部支付", "全部到位并拨付"];
    let mut claims: Vec<(&Paragraph, Figure)> = Vec::new();
    let mut paid: Vec<(&Paragraph, Figure, Figure)> = Vec::new();
    for p in paragraphs {
        let chars: Vec<char> = p.text.chars().collect();
        let figs: Vec<Figure> = figures(&p.text)
            .into_iter()
            .filter(|f| matches!(f.unit, Unit::Money(_)))
            .collect();
        for (k, f) in figs.iter().enumerate() {
            let stop = figs.get(k + 1).map_or(chars.len(), |n| n.start);
            let after: String = chars[f.end..stop.min(f.end + 16)].iter().collect();
            if FULL.iter().any(|w| after.contains(w)) {
                claims.push((p, f.clone()));
            }
            let before: String = chars[clause_start(&chars, f)..f.start].iter().collect();
            if before.trim_end().ends_with("拨付") && !before.contains("全部") {
                if let Some(whole) = figs[..k].iter().rev().find(|w| w.yuan() > f.yuan()) {
                    paid.push((p, whole.clone(), f.clone()));
                }
            }
        }
    }
    let mut out = Vec::new();
    for (p, claim) in &claims {
        if let Some((q, whole, part)) = paid.iter().find(|(_, w, _)| w.yuan() == claim.yuan()) {
            out.push(Finding {
                severity: Severity::Warning,
                check: "same-quantity",
                file: file.to_string(),
                location: p.location.clone(),
                excerpt: p.text.chars().take(60).collect(),
                stated: format!("{} 已全部拨付", claim.text),
                recomputed: format!("{} 中拨付 {}", whole.text, part.text),
                rule: format!(
                    "同一笔资金前后说法不一：此处称已全部拨付，{}称只拨付了 {}",
                    q.location, part.text
                ),
            });
        }
    }
    out
}

/// The grade a sentence names (自评结果良好, 评价等级为优), and where.
fn grade_word(text: &str) -> Option<(&'static str, usize)> {
    const LEADS: [&str; 6] = [
        "自评结果",
        "评价结果",
        "评价等级",
        "自评等级",
        "等级为",
        "评定为",
    ];
    const GRADES: [&str; 9] = [
        "优秀", "良好", "中等", "合格", "较差", "优", "良", "中", "差",
    ];
    for lead in LEADS {
        let mut from = 0;
        while let Some(at) = text[from..].find(lead) {
            let after = &text[from + at + lead.len()..];
            let after = after.trim_start_matches(['为', '是', '：', ':', '“', ' ']);
            if let Some(g) = GRADES.iter().find(|g| after.starts_with(**g)) {
                return Some((g, text[..from + at].chars().count()));
            }
            from += at + lead.len();
        }
    }
    None
}

/// The overall score a paragraph gives: 自评得分为99.45分, 总得分, 综合得分, 总分.
fn total_score<'a>(text: &str, figs: &'a [Figure]) -> Option<&'a Figure> {
    let chars: Vec<char> = text.chars().collect();
    figs.iter().find(|f| {
        f.unit == Unit::Score && {
            let l = label(&chars, f);
            ["自评得分", "总得分", "综合得分", "总分", "评价得分"]
                .iter()
                .any(|w| l.contains(w))
        }
    })
}

fn same_grade(word: &str, code: &str) -> bool {
    let of = match word {
        "优秀" | "优" => "excellent",
        "良好" | "良" => "good",
        "中等" | "中" | "合格" => "fair",
        _ => "poor",
    };
    of == code
}

const CN_DIGITS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

fn cn_number(s: &str) -> Option<u32> {
    let v: Vec<u32> = s
        .chars()
        .map(|c| CN_DIGITS.iter().position(|d| *d == c).map(|p| p as u32 + 1))
        .collect::<Option<_>>()?;
    match v.as_slice() {
        [n] => Some(*n),
        [10, n] => Some(10 + n),
        [n, 10] => Some(n * 10),
        [n, 10, m] => Some(n * 10 + m),
        _ => None,
    }
}

fn cn_name(n: u32) -> String {
    let d = |k: u32| CN_DIGITS[(k - 1) as usize];
    match n {
        1..=10 => d(n).to_string(),
        11..=19 => format!("十{}", d(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", d(n / 10)),
        _ => format!("{}十{}", d(n / 10), d(n % 10)),
    }
}

/// The numbering styles of GB/T 9704 headings: 一、 （一） 1. （1）.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Chinese,
    ParenChinese,
    Arabic,
    ParenArabic,
}

impl Style {
    fn show(self, n: u32) -> String {
        match self {
            Style::Chinese => format!("{}、", cn_name(n)),
            Style::ParenChinese => format!("（{}）", cn_name(n)),
            Style::Arabic => format!("{n}."),
            Style::ParenArabic => format!("（{n}）"),
        }
    }
}

/// `text` without its heading numbering.
fn strip_numbering(text: &str) -> &str {
    heading(text).map_or(text, |(.., rest)| rest)
}

/// Whether a line begins with heading numbering (一、 （一） 1. （1）).
pub fn starts_heading(line: &str) -> bool {
    heading(line).is_some()
}

/// A paragraph's numbering, its style and number, and the rest of its text.
fn heading(text: &str) -> Option<(Style, u32, &str)> {
    let t = text.trim_start();
    let paren = |t: &str| -> Option<(String, usize)> {
        let open = t.chars().next().filter(|c| *c == '（' || *c == '(')?;
        let body = &t[open.len_utf8()..];
        let close = body.find(['）', ')'])?;
        let closer = body[close..].chars().next()?;
        Some((
            body[..close].trim().to_string(),
            open.len_utf8() + close + closer.len_utf8(),
        ))
    };
    if let Some((inner, len)) = paren(t) {
        if let Some(n) = cn_number(&inner) {
            return Some((Style::ParenChinese, n, &t[len..]));
        }
        if let Ok(n) = inner.parse::<u32>() {
            return Some((Style::ParenArabic, n, &t[len..]));
        }
        return None;
    }
    if let Some(at) = t.find('、') {
        if let Some(n) = cn_number(&t[..at]) {
            return Some((Style::Chinese, n, &t[at + '、'.len_utf8()..]));
        }
    }
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() && digits.len() <= 2 {
        let rest = &t[digits.len()..];
        if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | '．' | '、'))
        {
            let after = &rest[c.len_utf8()..];
            if !after.starts_with(|c: char| c.is_ascii_digit()) {
                return Some((Style::Arabic, digits.parse().ok()?, after));
            }
        }
    }
    None
}

/// Heading numbering: each style counts on from where it last stood under the same parent;
/// a repeat, a gap or a restart is reported. Numbered list items (long sentences numbered
/// 1. 2. …) are not headings.
fn headings(file: &str, paragraphs: &[Paragraph]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut stack: Vec<(Style, u32, String)> = Vec::new();
    for p in paragraphs {
        let Some((style, n, rest)) = heading(&p.text) else {
            continue;
        };
        if style == Style::Arabic {
            let rest = rest.trim();
            if rest.chars().count() > 30 || rest.ends_with(['。', '；', ';']) {
                continue;
            }
        }
        let shown = p.text.trim().chars().take(24).collect::<String>();
        let mut report = |stated: String, expected: String, rule: String| {
            out.push(Finding {
                severity: Severity::Warning,
                check: "heading",
                file: file.to_string(),
                location: p.location.clone(),
                excerpt: shown.clone(),
                stated,
                recomputed: expected,
                rule,
            });
        };
        match stack.iter().position(|(s, ..)| *s == style) {
            Some(at) => {
                stack.truncate(at + 1);
                let (_, last, last_text) = stack[at].clone();
                if n == last {
                    report(
                        style.show(n),
                        style.show(n + 1),
                        format!("标题编号重复：上一个同级标题已是“{last_text}”"),
                    );
                } else if n < last {
                    report(
                        style.show(n),
                        style.show(last + 1),
                        format!(
                            "标题编号倒退：同级上一个是“{last_text}”，此处重新从{}起，可能缺少上一级标题",
                            style.show(n)
                        ),
                    );
                } else if n > last + 1 {
                    let missing: Vec<String> = (last + 1..n).map(|k| style.show(k)).collect();
                    report(
                        style.show(n),
                        style.show(last + 1),
                        format!(
                            "标题编号跳号：缺少{}（GB/T 9704：各级标题应连续编号）",
                            missing.join("")
                        ),
                    );
                }
                stack[at] = (style, n, shown.clone());
            }
            None => {
                if n != 1 {
                    let missing: Vec<String> = (1..n).map(|k| style.show(k)).collect();
                    report(
                        style.show(n),
                        style.show(1),
                        format!(
                            "标题编号跳号：本级第一个标题应从{}起，缺少{}",
                            style.show(1),
                            missing.join("")
                        ),
                    );
                }
                stack.push((style, n, shown.clone()));
            }
        }
    }
    out
}

/// The most decimals the parts and their total are written with: what their sum is shown with.
fn decimals<'a>(parts: impl Iterator<Item = &'a Figure>, total: &Figure) -> u32 {
    parts.map(|f| f.dp).chain([total.dp]).max().unwrap_or(0)
}

/// A figure's size in one measure: money in 元, counts and the rest as written.
fn measure(f: &Figure) -> Decimal {
    f.yuan().unwrap_or(f.value)
}

/// Whether two figures measure the same kind of thing (money in any unit; the same
/// classifier).
fn same_kind(a: &Figure, b: &Figure) -> bool {
    match (&a.unit, &b.unit) {
        (Unit::Money(_), Unit::Money(_)) => true,
        (x, y) => x == y,
    }
}

/// Words before a figure that make it a change or a share, not a part of a total.
const NOT_A_PART: &[&str] = &[
    "增加", "减少", "增长", "下降", "上年", "同比", "占", "节约", "超支", "降低", "提高",
];

/// A budget broken down by source and, after it, the spending broken down by the same sources
/// (`预算共安排546.23万元，其中：中央248.73万元……；实际支付355.16万元，其中：中央248.74万元`): no source
/// can have spent more than it was given — the same share printed two ways.
fn spent_above_budget(
    chars: &[char],
    lists: &[(&Figure, Vec<&Figure>)],
    push: &mut dyn FnMut(Severity, &'static str, String, String, String, String),
) {
    let name = |f: &Figure| {
        label(chars, f)
            .replace("其中", "")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    let is = |f: &Figure, words: &[&str]| {
        matches!(f.unit, Unit::Money(_)) && words.iter().any(|w| label(chars, f).contains(w))
    };
    for (k, (budget, given)) in lists.iter().enumerate() {
        if !is(budget, &["安排", "预算", "下达", "到位"]) {
            continue;
        }
        for (spent, used) in &lists[k + 1..] {
            if !is(spent, &["支付", "支出", "执行", "使用"]) {
                continue;
            }
            for part in used {
                let Some(had) = given
                    .iter()
                    .find(|g| !name(g).is_empty() && name(g) == name(part))
                else {
                    continue;
                };
                if measure(part) > measure(had) {
                    push(
                        Severity::Warning,
                        "same-quantity",
                        excerpt(chars, clause_start(chars, spent), part.end),
                        part.text.clone(),
                        had.text.clone(),
                        format!(
                            "{}的支出（{}）多于其安排（{}，“{}”之中）：同一来源的资金前后写法不一",
                            name(part),
                            part.text,
                            had.text,
                            budget.text
                        ),
                    );
                }
            }
        }
    }
}

/// A total whose parts do not add up to it: the total, its parts, their sum and its decimals.
type Mismatch<'a> = (&'a Figure, Vec<&'a Figure>, Decimal, u32);

/// Breakdowns that run across sentences (issue 16): a total and the parts that follow its
/// 其中 (`共755.19万元。其中：中央124.23万元，省级370.83万元，市级260.3万元`); a count of
/// projects against those set at the start of the year and added during it (`共15个……年初8个、
/// 年中增加8个`); and a final account's 收入总计 against its 支出总计, which balance.
fn breakdowns(
    chars: &[char],
    figs: &[Figure],
    push: &mut dyn FnMut(Severity, &'static str, String, String, String, String),
) {
    let text: String = chars.iter().collect();
    let show_sum = |parts: &[&Figure], total: &Figure| {
        let dp = decimals(parts.iter().copied(), total);
        let factor = match &total.unit {
            Unit::Money(f) => *f,
            _ => Decimal::ONE,
        };
        let sum: Decimal = parts.iter().map(|f| measure(f)).sum::<Decimal>() / factor;
        (sum, dp)
    };
    // 其中: the total is the last figure before it (in its sentence or the one before), the
    // parts are the figures of the same kind after it, up to the end of its sentence (。). A
    // list after `X万元，为` or `，包括` is X's breakdown too, up to its clause's end (；).
    let mut markers: Vec<(usize, bool)> = Vec::new();
    for (word, semi) in [
        ("其中", false),
        ("，为", true),
        (",为", true),
        ("，包括", true),
        (",包括", true),
    ] {
        let mut from = 0;
        while let Some(found) = text[from..].find(word) {
            let byte = from + found;
            from = byte + word.len();
            markers.push((text[..byte].chars().count(), semi));
        }
    }
    markers.sort();
    // Every breakdown read, its total and its parts: for the sources a budget and its spending
    // both break down.
    let mut lists: Vec<(&Figure, Vec<&Figure>)> = Vec::new();
    for (q, semi) in markers {
        // A 为-list belongs to the figure right before its comma.
        if semi && !figs.iter().any(|f| f.end == q) {
            continue;
        }
        let end = (q..chars.len())
            .find(|&i| chars[i] == '。' || (semi && matches!(chars[i], '；' | ';')))
            .unwrap_or(chars.len());
        let nested = (q + 2..end).find(|&i| chars[i] == '其' && chars.get(i + 1) == Some(&'中'));
        let Some(total) = figs.iter().rev().find(|f| f.end <= q) else {
            continue;
        };
        // Not a total reached over a sentence that has its own figures after it.
        let between: String = chars[total.end..q].iter().collect();
        if between.chars().filter(|c| *c == '。').count() > 1 || total.more || total.near {
            continue;
        }
        if matches!(total.unit, Unit::Percent | Unit::Score) {
            continue;
        }
        // A sum of money may come with the count of what it pays for, in its sentence
        // (项目21个，项目支出总额656.93万元。其中，本级项目8个，本级项目支出385.58万元；对下转移支付项目0个…):
        // each is broken down by the same list.
        let count_total = matches!(total.unit, Unit::Money(_))
            .then(|| {
                figs.iter().rev().find(|f| {
                    f.end <= total.start
                        && matches!(f.unit, Unit::Count(_))
                        && !chars[f.end..total.start].contains(&'。')
                })
            })
            .flatten()
            .filter(|f| !f.more && !f.near);
        let mut wrong: Vec<Mismatch> = Vec::new();
        let mut open = false;
        let mut literal = false;
        let mut last_part = q;
        // A list whose items are parted by commas ends at the first ；: what follows it is
        // another statement (其中：中央1753万元，省级519万元；用于……); a list parted by ； runs on.
        // The parting is the one after the first part of the first total's kind.
        let first_part = figs
            .iter()
            .find(|f| f.start > q && f.end <= end && same_kind(f, total));
        let by_semicolons = first_part
            .and_then(|f| {
                chars[f.end..end]
                    .iter()
                    .find(|c| matches!(c, '，' | ',' | '；' | ';'))
            })
            .is_some_and(|c| matches!(c, '；' | ';'));
        for total in std::iter::once(total).chain(count_total) {
            let semicolon = (q..end).find(|&i| matches!(chars[i], '；' | ';'));
            let end = match semicolon {
                Some(at) if !by_semicolons => at,
                _ => end,
            };
            let stop = nested.filter(|n| *n < end).unwrap_or(end);
            // Parts at the level of the 其中: a breakdown in brackets is of the part before it.
            let depth = |i: usize| {
                chars[q..i].iter().fold(0i32, |d, c| match c {
                    '(' | '（' => d + 1,
                    ')' | '）' => d - 1,
                    _ => d,
                })
            };
            // A part's own breakdown after 包括, up to its ； (or the bracket it opened in), is
            // not at the level of the 其中.
            // (其中包括 is the 其中 itself.)
            let within_include = |i: usize| {
                let text: String = chars[q..i].iter().collect();
                text.strip_prefix("其中包括")
                    .unwrap_or(&text)
                    .rsplit_once("包括")
                    .is_some_and(|(_, after)| !after.contains(['；', ';', ')', '）']))
            };
            let parts: Vec<&Figure> = figs
                .iter()
                .filter(|f| f.start > q && f.end <= stop && same_kind(f, total))
                .filter(|f| depth(f.start) == 0 && !within_include(f.start))
                .filter(|f| {
                    let l = label(chars, f);
                    !NOT_A_PART.iter().any(|w| l.contains(w)) && !l.contains('含')
                })
                .collect();
            if parts.len() < 2 || parts.iter().any(|f| f.more || f.near) {
                continue;
            }
            // A part as large as the total means the list is not a partition of it (一级指标3个、
            // 二级指标9个、三级指标12个 of 12 indicators; 收到…520万元，其中：…补助资金520万元，已支出
            // 388.16万元 — what follows is its spending). Money as large as the total beside other
            // money that is not spent from it (预算数60万元，其中包括补贴资金60万，结余资金12.664万元)
            // contradicts the total read literally: a warning.
            let spent = |f: &&Figure| {
                let l = label(chars, f);
                ["支出", "使用", "拨付", "执行", "完成", "到位"]
                    .iter()
                    .any(|w| l.contains(w))
            };
            let whole = parts.iter().any(|f| measure(f) >= measure(total));
            if whole
                && (!matches!(total.unit, Unit::Money(_))
                    || parts
                        .iter()
                        .any(|f| measure(f) > measure(total) || spent(f)))
            {
                continue;
            }
            literal |= whole;
            if !whole {
                lists.push((total, parts.clone()));
            }
            let (sum, dp) = show_sum(&parts, total);
            let total_value = measure(total)
                / match &total.unit {
                    Unit::Money(f) => *f,
                    _ => Decimal::ONE,
                };
            if sum == total_value {
                continue;
            }
            // A total written in a larger unit than its parts is their sum rounded to its own
            // decimals (3.30亿元 of 5440万元 + 252万元 + 27285.3万元 = 3.29773亿元).
            let larger_unit = match total.unit {
                Unit::Money(t) => parts
                    .iter()
                    .all(|f| matches!(f.unit, Unit::Money(p) if p < t)),
                _ => false,
            };
            if larger_unit
                && sum.round_dp_with_strategy(
                    total.dp,
                    rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                ) == total_value
            {
                continue;
            }
            // The first parts already make the total: the list ended there and a new statement
            // ran on without its 。 (……其他资金859.6万元2023年支出2310.4万元，其中……).
            if (2..parts.len()).any(|n| show_sum(&parts[..n], total).0 == total_value) {
                continue;
            }
            let tail: String = chars[parts.last().map_or(q, |f| f.end)..stop]
                .iter()
                .collect();
            open |= tail.trim_start().starts_with('等');
            last_part = last_part.max(stop);
            wrong.push((total, parts, sum, dp));
        }
        if wrong.is_empty() {
            continue;
        }
        let first_total = wrong.iter().map(|w| w.0.start).min().unwrap_or(q);
        let join =
            |f: &dyn Fn(&Mismatch) -> String| wrong.iter().map(f).collect::<Vec<_>>().join(" / ");
        push(
            if open {
                Severity::Note
            } else if literal {
                Severity::Warning
            } else {
                Severity::Error
            },
            "sum",
            excerpt(
                chars,
                clause_start(
                    chars,
                    wrong
                        .iter()
                        .find(|w| w.0.start == first_total)
                        .map_or(total, |w| w.0),
                ),
                last_part,
            ),
            join(&|w| w.0.text.clone()),
            join(&|w| show(w.2, w.3)),
            format!(
                "“其中”各项之和应等于总数：{}{}",
                join(&|w| format!(
                    "{} = {}",
                    w.1.iter()
                        .map(|f| f.text.clone())
                        .collect::<Vec<_>>()
                        .join(" + "),
                    show(w.2, w.3)
                )),
                if open {
                    "（列举以“等”结尾，或有未列出的项）"
                } else if literal {
                    "（其中一项已等于总数，按字面各项之和超出总数）"
                } else {
                    ""
                }
            ),
        );
    }
    spent_above_budget(chars, &lists, push);
    // A count and the list that names its members: 直属事业单位10个，即A、B、C……。
    for f in figs {
        let Unit::Count(_) = f.unit else { continue };
        let rest: String = chars[f.end..].iter().collect();
        let rest = rest.trim_start_matches([',', '，', ' ']);
        let Some(list) = ["即：", "即:", "即", "分别是", "分别为", "：", ":"]
            .iter()
            .find_map(|m| rest.strip_prefix(m))
        else {
            continue;
        };
        let list: String = list
            .chars()
            .take_while(|c| !matches!(c, '。' | '；' | ';'))
            .collect();
        if list.contains('等') || !list.contains('、') || list.chars().any(|c| c.is_ascii_digit())
        {
            continue;
        }
        let items: Vec<&str> = list.split('、').collect();
        let last_joined = items
            .last()
            .is_some_and(|l| l.contains('和') || l.contains('及'));
        let n = items.len() + usize::from(last_joined);
        if Decimal::from(n) != f.value {
            push(
                Severity::Warning,
                "sum",
                excerpt(chars, clause_start(chars, f), f.end + 8),
                f.text.clone(),
                format!("{n}"),
                format!("其后列出 {n} 项（以“、”分隔），与所写数目不符"),
            );
        }
    }
    // 共N个项目 …… 年初N1个 …… 年中增加N2个.
    for (k, total) in figs.iter().enumerate() {
        let Unit::Count(c) = total.unit.clone() else {
            continue;
        };
        if !label(chars, total).trim_end().ends_with(['共', '计']) || total.more || total.near {
            continue;
        }
        let later = &figs[k + 1..];
        let pick = |words: &[&str]| {
            later.iter().find(|f| {
                let l = label(chars, f);
                f.unit == Unit::Count(c) && words.iter().any(|w| l.contains(w)) && !l.contains('含')
            })
        };
        if let (Some(a), Some(b)) = (pick(&["年初"]), pick(&["年中", "追加", "新增", "增加"]))
        {
            if a.value + b.value != total.value {
                push(
                    Severity::Warning,
                    "sum",
                    excerpt(chars, clause_start(chars, total), b.end),
                    total.text.clone(),
                    show(a.value + b.value, 0),
                    format!(
                        "年初与年中追加之和应等于总数：{} + {} = {}",
                        a.text,
                        b.text,
                        show(a.value + b.value, 0)
                    ),
                );
            }
        }
    }
    // N个项目……其中K个项目……，剩余 A 99.97%；B 99.89%…… : K and the rest, each named with its
    // own rate, are the N.
    for (k, total) in figs.iter().enumerate() {
        let Unit::Count(c) = total.unit.clone() else {
            continue;
        };
        if total.more || total.near {
            continue;
        }
        let end = chars[total.end..]
            .iter()
            .position(|&ch| ch == '。')
            .map_or(chars.len(), |p| total.end + p);
        let Some(part) = figs[k + 1..]
            .iter()
            .find(|f| f.end <= end && f.unit == Unit::Count(c) && label(chars, f).contains("其中"))
        else {
            continue;
        };
        let after: String = chars[part.end..end].iter().collect();
        let Some(rest_at) = ["剩余", "其余"].iter().find_map(|w| after.find(w)) else {
            continue;
        };
        let rest_from = part.end + after[..rest_at].chars().count();
        let rates = figs
            .iter()
            .filter(|f| f.start >= rest_from && f.end <= end && f.unit == Unit::Percent)
            .count();
        // The rest given as a count of its own (剩余7个) is another sentence form.
        let rest_counted = figs
            .iter()
            .any(|f| f.start >= rest_from && f.end <= end && f.unit == Unit::Count(c));
        if rates >= 2 && !rest_counted && part.value + Decimal::from(rates) != total.value {
            push(
                Severity::Warning,
                "sum",
                excerpt(chars, clause_start(chars, total), end),
                total.text.clone(),
                show(part.value + Decimal::from(rates), 0),
                format!(
                    "“其中”{}与其余逐个列出的 {rates} 项（各附执行率）之和应等于总数：{} + {rates} = {}",
                    part.text,
                    show(part.value, 0),
                    show(part.value + Decimal::from(rates), 0)
                ),
            );
        }
    }
    // 收入总计 against 支出总计.
    let labelled = |words: &[&str]| {
        figs.iter().find(|f| {
            matches!(f.unit, Unit::Money(_)) && {
                let l = label(chars, f);
                words.iter().any(|w| l.trim_end().ends_with(w))
            }
        })
    };
    if let (Some(i), Some(o)) = (
        labelled(&["收入总计", "收入合计"]),
        labelled(&["支出总计", "支出合计"]),
    ) {
        if measure(i) != measure(o) {
            push(
                Severity::Warning,
                "total",
                excerpt(chars, clause_start(chars, i), o.end),
                format!("{} / {}", i.text, o.text),
                "收入总计 = 支出总计".into(),
                "部门决算的收入总计与支出总计（含结转结余）应相等".into(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(texts: &[&str]) -> Vec<Paragraph> {
        texts
            .iter()
            .enumerate()
            .map(|(k, t)| Paragraph {
                location: format!("第{}段", k + 1),
                text: t.to_string(),
            })
            .collect()
    }

    #[test]
    fn an_amount_in_yuan_that_is_a_standards_product_in_wan_is_a_unit_slip() {
        let p = paragraphs(&[
            "慰问对象120人,慰问标准300/人。",
            "市级资金配套3.6元,执行率100%",
        ]);
        let f = standard_unit_slips("t", &p);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].stated.as_str(), f[0].location.as_str()),
            ("3.6元", "第2段")
        );
        // A small amount that is not the product, and the product itself in 万元, are left alone.
        for other in ["市级资金配套3.5元", "市级资金配套3.6万元"] {
            let p = paragraphs(&["慰问对象120人,慰问标准300元/人。", other]);
            assert!(standard_unit_slips("t", &p).is_empty(), "{other}");
        }
    }

    #[test]
    fn numbering_is_read_in_every_style() {
        assert_eq!(
            heading("一、基本情况").map(|h| (h.0, h.1)),
            Some((Style::Chinese, 1))
        );
        assert_eq!(
            heading(" （2） 年度").map(|h| (h.0, h.1)),
            Some((Style::ParenArabic, 2))
        );
        assert_eq!(
            heading("（十二）x").map(|h| (h.0, h.1)),
            Some((Style::ParenChinese, 12))
        );
        assert_eq!(
            heading("1．文书").map(|h| (h.0, h.1)),
            Some((Style::Arabic, 1))
        );
        assert_eq!(heading("2021年"), None);
        assert_eq!(heading("2.2万笔"), None);
        assert_eq!(cn_name(14), "十四");
    }
}
