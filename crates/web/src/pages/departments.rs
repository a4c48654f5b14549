//! Departments, one department, and its years side by side.

use super::*;

pub async fn departments(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let list = s
        .pool
        .run(move |store| service::departments(store, &user))
        .await?;
    ok(layout(
        &ctx,
        l.t("部门与项目", "Departments"),
        html! {
            div class="scroll" { table {
                thead { tr { th { (l.t("编码", "Code")) } th { (l.t("名称", "Name")) } th { (l.t("自评", "Self-evaluations")) } } }
                tbody { @for d in &list { tr {
                    td { a href={ "/departments/" (d.code) } { (d.code) } }
                    td { (d.name) }
                    td { @for y in &d.datasets { a href={ "/evaluations/" (d.code) "/" (y) } { (y) } " " } }
                } } }
            } }
        },
    ))
}

pub async fn department(State(s): State<AppState>, ctx: Ctx, Path(dept): Path<String>) -> Page {
    let user = business(&ctx)?.clone();
    service::must_read(&user, &dept)?;
    let l = ctx.lang;
    let m = monitoring_view(&s, None).await?;
    let d2 = dept.clone();
    let (units, datasets) = s
        .pool
        .run(move |store| {
            let units: Vec<_> = store
                .units()?
                .into_iter()
                .filter(|u| u.department_code == d2)
                .collect();
            let datasets: Vec<i32> = store
                .datasets()?
                .into_iter()
                .filter(|(c, _)| *c == d2)
                .map(|(_, y)| y)
                .collect();
            Ok::<_, WebError>((units, datasets))
        })
        .await?;
    let name = m
        .as_ref()
        .and_then(|m| m.names.get(&dept).cloned())
        .unwrap_or_else(|| dept.clone());
    ok(layout(
        &ctx,
        &name,
        html! {
            p { a href={ "/departments/" (dept) "/years" } { (l.t("历年对比", "Years side by side")) } }
            @if !datasets.is_empty() {
                p { (l.t("自评：", "Self-evaluations: ")) @for y in &datasets { a href={ "/evaluations/" (dept) "/" (y) } { (y) (l.t("年度", "")) } " " } }
            }
            h2 { (l.t("单位", "Units")) " (" (units.len()) ")" }
            @if !units.is_empty() { div class="scroll" { table {
                thead { tr { th { (l.t("编码", "Code")) } th { (l.t("名称", "Name")) } } }
                tbody { @for u in &units { tr { td { (u.code) } td { (u.name) } } } }
            } } }
            @if let Some(m) = &m {
                h2 { (l.t("项目预算与执行", "Projects: budget and execution")) " · " (l.t("截至", "as of")) " " (m.as_of) }
                div class="scroll" { table {
                    thead { tr { th { (l.t("项目", "Project")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("已支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th { (l.t("预警", "Warning")) } } }
                    tbody { @for p in m.projects.lines.iter().filter(|p| m.project_info.get(&p.key).is_some_and(|(d, _)| *d == dept)) { tr {
                        td { a href={ "/departments/" (dept) "/projects/" (p.key) "?year=" (m.as_of.year()) } { (p.key) } " " (m.project_info.get(&p.key).map_or("", |(_, n)| n.as_str())) }
                        td class="num" { (wan(p.budget)) } td class="num" { (wan(p.executed)) }
                        td class="num" { (pct(p.rate())) }
                        td { span class={ "warn " (p.warning.id()) } { (p.warning.label()) } }
                    } } }
                } }
            }
        },
    ))
}

pub async fn years(State(s): State<AppState>, ctx: Ctx, Path(dept): Path<String>) -> Page {
    let user = business(&ctx)?.clone();
    service::must_read(&user, &dept)?;
    let l = ctx.lang;
    let d2 = dept.clone();
    let (name, rows) = s
        .pool
        .run(move |store| {
            let name = service::all_departments(store)?
                .into_iter()
                .find(|d| d.code == d2)
                .map(|d| d.name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| d2.clone());
            let mut years: Vec<i32> = store.years()?;
            years.sort();
            let mut rows = Vec::new();
            for y in years {
                let projects: Vec<_> = jixiao_app::monitored_projects(store, y)?
                    .into_iter()
                    .filter(|p| *p.department == *d2)
                    .collect();
                let budget: FenSum = projects.iter().map(|p| p.budget).sum();
                let executed: FenSum = projects.iter().flat_map(|p| p.months).sum();
                let scored = jixiao_app::load_dataset(store, &d2, y)
                    .ok()
                    .and_then(|data| {
                        let (e, _) = service::score(&data).ok()?;
                        let quantitative: Vec<_> = data
                            .projects
                            .iter()
                            .flat_map(|p| &p.indicators)
                            .filter(|i| i.target.is_some())
                            .collect();
                        let met = quantitative
                            .iter()
                            .filter(|i| match (&i.target, &i.actual) {
                                (Some(t), Some(a)) => match i.operator {
                                    jixiao_domain::project::Operator::AtMost
                                    | jixiao_domain::project::Operator::Below => a.value <= t.value,
                                    _ => a.value >= t.value,
                                },
                                _ => false,
                            })
                            .count();
                        Some((e.total, e.grade_label, quantitative.len(), met))
                    });
                if projects.is_empty() && scored.is_none() {
                    continue;
                }
                rows.push((y, projects.len(), budget, executed, scored));
            }
            Ok::<_, WebError>((name, rows))
        })
        .await?;
    let rate = |b: FenSum, e: FenSum| e.ratio_to(b);
    ok(layout(
        &ctx,
        &format!("{name} · {}", l.t("历年对比", "years side by side")),
        html! {
            div class="scroll" { table {
                thead { tr { th { (l.t("年度", "Year")) } th class="num" { (l.t("项目数", "Projects")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("全年支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th class="num" { (l.t("定量指标达成", "Indicators met")) } th class="num" { (l.t("自评得分", "Score")) } th { (l.t("等级", "Grade")) } } }
                tbody { @for (y, n, b, e, sc) in &rows { tr {
                    td { (y) } td class="num" { (n) } td class="num" { (wan(*b)) } td class="num" { (wan(*e)) }
                    td class="num" { (rate(*b, *e).map(format_percent).unwrap_or_else(|| "—".into())) }
                    td class="num" { @if let Some((_, _, q, m)) = sc { (m) " / " (q) } @else { "—" } }
                    td class="num" { @if let Some((t, _, _, _)) = sc { (format_score(*t)) } @else { "—" } }
                    td { @if let Some((_, g, _, _)) = sc { (g) } }
                } } }
            } }
            (years_chart(l, &rows.iter().map(|(y, _, b, e, sc)| (*y, rate(*b, *e), sc.as_ref().map(|s| s.0 / Decimal::ONE_HUNDRED))).collect::<Vec<_>>()))
        },
    ))
}

pub(crate) type YearRow = (i32, Option<Decimal>, Option<Decimal>);

/// Per year, execution rate and score (as a share of 100) as paired bars.
pub(crate) fn years_chart(l: Lang, rows: &[YearRow]) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    let (h, group) = (180i64, 70i64);
    // At least a legend's width, so one year does not fill the screen.
    let w = (40 + group * rows.len() as i64).max(360);
    let bar = |v: Option<Decimal>| -> i64 {
        let v = v
            .unwrap_or_default()
            .clamp(Decimal::ZERO, Decimal::new(12, 1));
        (v * Decimal::from(h - 40)).round().try_into().unwrap_or(0)
    };
    html! {
        svg class="chart years" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=(l.t("历年执行率与得分", "Execution rate and score by year")) {
            @for (i, (y, r, s)) in rows.iter().enumerate() {
                @let x = 30 + i as i64 * group;
                rect class="bar" x=(x) y=(h - 20 - bar(*r)) width="24" height=(bar(*r)) {}
                rect class="bar score" x=(x + 26) y=(h - 20 - bar(*s)) width="24" height=(bar(*s)) {}
                text x=(x + 25) y=(h - 5) text-anchor="middle" font-size="11" { (y) }
            }
            rect class="bar" x="6" y="4" width="10" height="10" {}
            text x="20" y="13" font-size="10" { (l.t("执行率", "execution rate")) }
            rect class="bar score" x="90" y="4" width="10" height="10" {}
            text x="104" y="13" font-size="10" { (l.t("自评得分（满分100）", "score (of 100)")) }
        }
    }
}
