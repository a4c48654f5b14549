//! The home page: the signed-in user's view of execution and work to do.

use super::*;

pub async fn home(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = match ctx.user.as_ref() {
        None => return Ok(Redirect::to("/login").into_response()),
        Some(u) => u.clone(),
    };
    match user.role {
        Some(Role::SysAdmin) => return Ok(Redirect::to("/admin/users").into_response()),
        Some(Role::SecAdmin) => return Ok(Redirect::to("/admin/roles").into_response()),
        Some(Role::AuditAdmin) => return Ok(Redirect::to("/audit").into_response()),
        None => return Err(WebError::Forbidden.into()),
        _ => {}
    }
    let l = ctx.lang;
    let (m, o) = views(&s, None).await?;
    let overdue: Vec<_> = o
        .rectifications
        .iter()
        .filter(|r| r.status == "overdue" && user.reads(&r.department))
        .collect();
    let evaluations: Vec<_> = o
        .summaries
        .iter()
        .filter(|x| user.reads(&x.code))
        .map(|x| {
            (
                x.code.clone(),
                x.name.clone(),
                x.year,
                x.state,
                x.saved.clone(),
            )
        })
        .collect();
    ok(layout(
        &ctx,
        l.t("首页", "Dashboard"),
        html! {
            @if let Some(m) = &m {
                (execution_cards(l, m, &user))
            } @else {
                p class="muted" { (l.t("库中还没有项目执行数据。", "No execution data in the store yet.")) }
            }
            @if !overdue.is_empty() {
                h2 { (l.t("逾期未完成的整改", "Overdue rectifications")) }
                ul class="overdue" { @for r in &overdue { li { span class="warn red" { (l.t("逾期", "overdue")) } " " (r.department) " · " (r.year) "：" (r.problem.chars().take(40).collect::<String>()) "…（" (l.t("期限", "due")) " " (r.due_on) "） " a href={ "/rectifications#r" (r.id) } { (l.t("查看", "open")) } } } }
            }
            h2 { (l.t("部门整体支出绩效自评", "Self-evaluations")) }
            @if evaluations.is_empty() { p class="muted" { (l.t("暂无自评数据集。", "No self-evaluation datasets.")) } }
            @else { div class="scroll" { table {
                thead { tr { th { (l.t("部门", "Department")) } th { (l.t("年度", "Year")) } th { (l.t("状态", "Status")) } th { (l.t("已保存得分", "Saved score")) } } }
                tbody { @for (code, name, year, state, saved) in &evaluations { tr {
                    td { a href={ "/evaluations/" (code) "/" (year) } { (name) } }
                    td { (year) }
                    td { span class={ "state " (state.id()) } { (l.t(state.label().0, state.label().1)) } }
                    td { @if let Some((t, g)) = saved { (t) " · " (g) } @else { "—" } }
                } } }
            } } }
        },
    ))
}

/// Execution against time progress for the user's departments, as cards and a warning list.
pub(crate) fn execution_cards(l: Lang, m: &Monitoring, user: &User) -> Markup {
    let time = m.departments.time.fraction();
    let mine: Vec<&jixiao_monitor::levels::Line> = m
        .departments
        .lines
        .iter()
        .filter(|line| user.reads(&line.key))
        .collect();
    let (budget, executed, red, yellow) =
        mine.iter()
            .fold((FenSum::ZERO, FenSum::ZERO, 0u64, 0u64), |a, x| {
                (
                    a.0 + x.budget,
                    a.1 + x.executed,
                    a.2 + x.red,
                    a.3 + x.yellow,
                )
            });
    let rate = executed.ratio_to(budget);
    let warnings: Vec<&jixiao_monitor::levels::Line> = m
        .projects
        .lines
        .iter()
        .filter(|p| {
            matches!(
                p.warning,
                jixiao_monitor::rules::Warning::Red | jixiao_monitor::rules::Warning::Yellow
            )
        })
        .filter(|p| {
            m.project_info
                .get(&p.key)
                .is_some_and(|(d, _)| user.reads(d))
        })
        .collect();
    html! {
        p class="muted" { (l.t("截至", "As of")) " " (m.as_of) }
        div class="cards" {
            div class="card" { div class="label" { (l.t("序时进度", "Time progress")) } div class="figure" { (format_percent(time)) } }
            div class="card" { div class="label" { (l.t("预算执行率", "Execution rate")) } div class="figure" { (pct(rate)) } }
            div class="card" { div class="label" { (l.t("预算（万元）", "Budget (10k yuan)")) } div class="figure" { (wan(budget)) } }
            div class="card" { div class="label" { (l.t("已支出（万元）", "Spent (10k yuan)")) } div class="figure" { (wan(executed)) } }
            div class="card warn-red" { div class="label" { (l.t("红色预警项目", "Red warnings")) } div class="figure" { (format_count(red as i64)) } }
            div class="card warn-yellow" { div class="label" { (l.t("黄色预警项目", "Yellow warnings")) } div class="figure" { (format_count(yellow as i64)) } }
        }
        @if !warnings.is_empty() {
            h2 { (l.t("预警项目（执行最慢的 10 个）", "Warnings (the 10 slowest)")) }
            div class="scroll" { table {
                thead { tr { th { (l.t("项目", "Project")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("执行率", "Rate")) } th { (l.t("预警", "Warning")) } } }
                tbody { @for p in warnings.iter().rev().take(10) { tr {
                    td { (p.key) " " (m.project_info.get(&p.key).map_or("", |(_, n)| n.as_str())) }
                    td class="num" { (wan(p.budget)) }
                    td class="num" { (pct(p.rate())) }
                    td { span class={ "warn " (p.warning.id()) } { (p.warning.label()) } }
                } } }
            } }
        }
    }
}
