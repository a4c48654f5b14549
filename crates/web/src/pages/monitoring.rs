//! Budget execution monitoring (序时进度) and the ranking notice (通报).

use super::*;

#[derive(Deserialize)]
pub struct AsOf {
    as_of: Option<String>,
}

pub async fn monitoring(State(s): State<AppState>, ctx: Ctx, Query(q): Query<AsOf>) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let as_of = match q.as_of.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(Date::parse(t).ok_or_else(|| {
            WebError::invalid(
                format!("日期“{t}”无法识别：应为 2021-09-30 这样的日期。"),
                format!("Date “{t}” not understood: write it as 2021-09-30."),
            )
        })?),
        None => None,
    };
    let (m, o) = views(&s, as_of).await?;
    let Some(m) = m else {
        return ok(layout(
            &ctx,
            l.t("执行监控", "Monitoring"),
            html! { p { (l.t("该年度没有项目数据。", "No projects for that year.")) } },
        ));
    };
    let whole = user.role == Some(Role::BureauAdmin);
    let overdue = crate::results::count_overdue(&o.rectifications);
    let overdue_of = |dept: &str| -> u32 {
        overdue
            .iter()
            .filter(|((d, _), _)| d == dept)
            .map(|(_, n)| *n)
            .sum()
    };
    let total = m.departments.lines.len();
    ok(layout(
        &ctx,
        l.t("预算执行监控", "Budget execution monitoring"),
        html! {
            form method="get" action="/monitoring" class="inline-form" {
                label { (l.t("截至日期", "As of")) input type="date" name="as_of" value=(m.as_of.to_string()); }
                button { (l.t("查看", "Show")) }
            }
            (execution_cards(l, &m, &user))
            @if user.role == Some(Role::BureauAdmin) {
                p { a class="button" href={ "/monitoring/notice/docx?as_of=" (m.as_of) } { (l.t("下载通报（Word）", "Notice (Word)")) } " " a class="button" href={ "/monitoring/notice/xlsx?as_of=" (m.as_of) } { (l.t("下载通报（Excel）", "Notice (Excel)")) } }
            }
            h2 { (l.t("部门执行排名", "Departments ranked by execution")) }
            p class="muted" { (l.t("序时进度", "Time progress")) " " (format_percent(m.departments.time.fraction())) "；" (l.t("按执行率从高到低排列，共", "highest rate first, of")) " " (total) (l.t(" 个部门。", " departments.")) }
            (rate_chart(l, &m, &user, whole))
            div class="scroll" { table {
                thead { tr { th class="num" { (l.t("名次", "Rank")) } th { (l.t("部门", "Department")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("已支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th class="num" { (l.t("与序时进度差", "Gap to time")) } th { (l.t("预警", "Warning")) } th class="num" { (l.t("逾期整改", "Overdue rectifications")) } } }
                tbody { @for (i, d) in m.departments.lines.iter().enumerate().filter(|(_, d)| user.reads(&d.key)) { tr {
                    td class="num" { (i + 1) }
                    td { (m.names.get(&d.key).map_or(d.key.as_str(), |n| n.as_str())) }
                    td class="num" { (wan(d.budget)) } td class="num" { (wan(d.executed)) }
                    td class="num" { (pct(d.rate())) }
                    td class="num" { (d.rate().map(|r| format!("{:+.2}", ((r - m.departments.time.fraction()) * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))).unwrap_or_default()) }
                    td { span class={ "warn " (d.warning.id()) } { (d.warning.label()) } }
                    td class="num" { @if overdue_of(&d.key) > 0 { span class="warn red" { (overdue_of(&d.key)) } } @else { "0" } }
                } } }
            } }
            @let others: Vec<_> = overdue.iter().filter(|((d, _), _)| user.reads(d) && !m.departments.lines.iter().any(|x| &x.key == d)).collect();
            @if !others.is_empty() {
                p class="error" { (l.t("另有逾期整改（无执行数据的部门）：", "Overdue rectifications of departments without execution data: ")) @for ((d, _), n) in &others { (d) " " (n) (l.t(" 项；", "; ")) } }
            }
        },
    ))
}

/// Each visible department's rate as a bar, with the time progress as a line: inline SVG.
pub(crate) fn rate_chart(l: Lang, m: &Monitoring, user: &User, whole: bool) -> Markup {
    let lines: Vec<_> = m
        .departments
        .lines
        .iter()
        .filter(|d| whole || user.reads(&d.key))
        .take(40)
        .collect();
    if lines.is_empty() {
        return html! {};
    }
    let (w, bar) = (640i64, 14i64);
    let h = bar * lines.len() as i64 + 20;
    let x = |r: Decimal| -> i64 {
        let r = r.clamp(Decimal::ZERO, Decimal::new(12, 1));
        (r * Decimal::from(w - 200) / Decimal::new(12, 1))
            .round()
            .try_into()
            .unwrap_or(0)
    };
    let time_x = 180 + x(m.departments.time.fraction());
    html! {
        svg class="chart" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=(l.t("各部门执行率与序时进度", "Execution rate by department against time progress")) {
            @for (i, d) in lines.iter().enumerate() {
                @let y = 10 + i as i64 * bar;
                text x="175" y=(y + 10) text-anchor="end" font-size="10" { (m.names.get(&d.key).map_or(d.key.as_str(), |n| n.as_str()).chars().take(14).collect::<String>()) }
                rect x="180" y=(y + 2) width=(x(d.rate().unwrap_or_default())) height=(bar - 4) class={ "bar " (d.warning.id()) } {}
            }
            line x1=(time_x) x2=(time_x) y1="4" y2=(h - 4) class="time" {}
            text x=(time_x + 3) y="10" font-size="10" { (l.t("序时进度", "time")) }
        }
    }
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    as_of: String,
}

/// The ranking notice (通报) as of a date, as Word or Excel, with the overdue rectifications.
pub async fn notice(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    crate::extract::Query(q): crate::extract::Query<NoticeQuery>,
) -> Page {
    bureau(&ctx)?;
    let as_of = Date::parse(&q.as_of).ok_or_else(|| {
        WebError::invalid(
            format!("日期“{}”无法识别：应为 2021-09-30 这样的日期。", q.as_of),
            format!("Date “{}” not understood: write it as 2021-09-30.", q.as_of),
        )
    })?;
    if format != "docx" && format != "xlsx" {
        return Err(WebError::NotFound.into());
    }
    let f2 = format.clone();
    let bytes = s
        .pool
        .run(move |store| {
            let notice = jixiao_app::notice::build(
                store,
                as_of.year(),
                as_of,
                jixiao_monitor::levels::Level::Department,
                &jixiao_monitor::config::Config::default(),
            )?;
            if f2 == "xlsx" {
                notice.workbook()
            } else {
                jixiao_report::docx::write(&notice.document(), std::io::Cursor::new(Vec::new()))
                    .map(|c| c.into_inner())
                    .map_err(|e| jixiao_app::Error::Internal(e.to_string()))
            }
        })
        .await?;
    Ok(download(
        &format!("预算执行情况通报-{as_of}.{format}"),
        bytes,
    ))
}
