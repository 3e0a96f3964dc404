//! A school policy against its district baseline: stricter is fine, looser is
//! a [`Violation`] (values above the district's are reported, never clamped).

use super::validate::{Out, covers, grades_en, grades_zh, reference_period, stage_en, stage_zh};
use super::*;

/// Whether a count with a cadence is at least a baseline count with its
/// cadence; `Err(field)` names the field that loosens it.
fn at_least(
    count: u32,
    cadence: Cadence,
    base_count: u32,
    base_cadence: Cadence,
) -> Result<(), &'static str> {
    if base_count == 0 {
        return Ok(());
    }
    match (cadence, base_cadence) {
        (a, b) if a == b => {
            if count >= base_count {
                Ok(())
            } else {
                Err("count")
            }
        }
        (Cadence::PerTerm, Cadence::PerYear) => {
            if count * TERMS_PER_YEAR >= base_count {
                Ok(())
            } else {
                Err("count")
            }
        }
        _ => Err("cadence"),
    }
}

fn cadence_count_zh(count: u32, c: Cadence) -> String {
    format!("{}{}次", c.label_zh(), count)
}

fn cadence_count_en(count: u32, c: Cadence) -> String {
    format!("{count} {}", c.label_en())
}

pub(super) fn compare_to_baseline(s: &PolicyRules, b: &PolicyRules, out: &mut Out) {
    out.0.extend(
        s.mentor_assessment
            .compare_to_baseline(&b.mentor_assessment, "mentor_assessment"),
    );
    // Scope: every baseline grade of a stage the school has must be included.
    for (i, ss) in s.scope.stages.iter().enumerate() {
        let range = ss.stage.grades();
        let mut missing: Vec<i32> = Vec::new();
        for bs in b
            .scope
            .stages
            .iter()
            .filter(|bs| covers(ss.stage, bs.stage))
        {
            for g in &bs.grades {
                if range.contains(g) && !ss.grades.contains(g) && !missing.contains(g) {
                    missing.push(*g);
                }
            }
        }
        missing.sort_unstable();
        if !missing.is_empty() {
            out.push(
                format!("scope.stages.{i}.grades"),
                format!(
                    "区基线要求{}纳入导师制,缺少{}",
                    stage_zh(ss.stage),
                    grades_zh(&missing)
                ),
                format!(
                    "The district baseline requires {} in the {} programme",
                    grades_en(&missing),
                    stage_en(ss.stage)
                ),
            );
        }
    }

    // Ratio: never above the district's cap, per grade.
    let grades = s.scope.all_grades();
    if s.ratio.default_max > b.ratio.default_max {
        out.push(
            "ratio.default_max",
            format!(
                "默认配置比例1:{}超过区基线上限1:{}",
                s.ratio.default_max, b.ratio.default_max
            ),
            format!(
                "Default ratio 1:{} exceeds the district cap of 1:{}",
                s.ratio.default_max, b.ratio.default_max
            ),
        );
    }
    for (&g, &v) in &s.ratio.per_grade {
        let cap = b.ratio.cap_for(g);
        if v > cap {
            out.push(
                format!("ratio.per_grade.{g}"),
                format!("{g}年级配置比例1:{v}超过区基线上限1:{cap}"),
                format!("Grade {g}: ratio 1:{v} exceeds the district cap of 1:{cap}"),
            );
        }
    }
    for (&g, &cap) in &b.ratio.per_grade {
        if grades.contains(&g)
            && !s.ratio.per_grade.contains_key(&g)
            && s.ratio.default_max > cap
            && cap < b.ratio.default_max
        {
            out.push(
                "ratio.default_max",
                format!(
                    "{g}年级未单独设置,默认配置比例1:{}超过区基线对该年级的上限1:{cap}",
                    s.ratio.default_max
                ),
                format!(
                    "Grade {g} has no own cap; the default 1:{} exceeds the district cap of 1:{cap} for it",
                    s.ratio.default_max
                ),
            );
        }
    }

    // Tasks.
    let (st, bt) = (&s.tasks, &b.tasks);
    period_task(
        "home_visit",
        "家访",
        "home visits",
        (
            st.home_visit.count,
            st.home_visit.cadence,
            &st.home_visit.window,
        ),
        (
            bt.home_visit.count,
            bt.home_visit.cadence,
            &bt.home_visit.window,
        ),
        out,
    );
    if bt.home_visit.count > 0
        && bt.home_visit.condition.is_none()
        && st.home_visit.condition.is_some()
    {
        out.push(
            "tasks.home_visit.condition",
            "区基线要求家访覆盖全体学生,不能只限于部分学生(如家住城区)",
            "The district requires home visits for every student, not only some (e.g. those living in town)",
        );
    }
    if st.talks.count_per_term < bt.talks.count_per_term {
        out.push(
            "tasks.talks.count_per_term",
            format!(
                "每学期谈心{}次,少于区基线的{}次",
                st.talks.count_per_term, bt.talks.count_per_term
            ),
            format!(
                "{} talks a term is fewer than the district's {}",
                st.talks.count_per_term, bt.talks.count_per_term
            ),
        );
    }
    if bt.talks.count_per_term > 0 {
        deadline_not_later(
            "tasks.talks.window.to",
            "谈心",
            "talks",
            Cadence::PerTerm,
            &st.talks.window,
            &bt.talks.window,
            out,
        );
    }
    if bt.talks.one_per_key_exam && !st.talks.one_per_key_exam {
        out.push(
            "tasks.talks.one_per_key_exam",
            "区基线要求每次重要考试前后都进行谈心",
            "The district requires a talk around every key exam",
        );
    }
    let missing: Vec<&str> = bt
        .talks
        .triggers
        .iter()
        .filter(|t| !st.talks.triggers.contains(t))
        .map(|t| t.label_zh())
        .collect();
    if !missing.is_empty() && bt.talks.count_per_term > 0 {
        out.push(
            "tasks.talks.triggers",
            format!("缺少区基线规定的谈心节点:{}", missing.join("、")),
            "Some key moments named by the district are missing",
        );
    }
    period_task(
        "growth_message",
        "成长寄语",
        "growth messages",
        (
            st.growth_message.count,
            st.growth_message.cadence,
            &st.growth_message.window,
        ),
        (
            bt.growth_message.count,
            bt.growth_message.cadence,
            &bt.growth_message.window,
        ),
        out,
    );
    for (name, zh, en, sm, bm) in [
        (
            "parent_contact",
            "家校联系",
            "parent contacts",
            st.parent_contact,
            bt.parent_contact,
        ),
        (
            "self_report",
            "学生汇报",
            "student reports",
            st.self_report,
            bt.self_report,
        ),
    ] {
        if sm.per_month < bm.per_month {
            out.push(
                format!("tasks.{name}.per_month"),
                format!(
                    "{zh}每月{}次,少于区基线的每月{}次",
                    sm.per_month, bm.per_month
                ),
                format!(
                    "{} {en} a month is fewer than the district's {}",
                    sm.per_month, bm.per_month
                ),
            );
        }
    }
    if st.optional_actions.min_per_term < bt.optional_actions.min_per_term {
        out.push(
            "tasks.optional_actions.min_per_term",
            format!(
                "每学期至少{}项自选动作,少于区基线的{}项",
                st.optional_actions.min_per_term, bt.optional_actions.min_per_term
            ),
            format!(
                "{} optional actions a term is fewer than the district's {}",
                st.optional_actions.min_per_term, bt.optional_actions.min_per_term
            ),
        );
    }
    if st.handover_grace_days > bt.handover_grace_days {
        out.push(
            "tasks.handover_grace_days",
            format!(
                "更换导师宽限期{}天,长于区基线的{}天",
                st.handover_grace_days, bt.handover_grace_days
            ),
            format!(
                "A handover grace of {} days is longer than the district's {}",
                st.handover_grace_days, bt.handover_grace_days
            ),
        );
    }

    // Communication: no one beyond the district's list may contact parents.
    let extra: Vec<Role> = s
        .communication
        .parent_contact_roles
        .iter()
        .copied()
        .filter(|r| !b.communication.parent_contact_roles.contains(r))
        .collect();
    if !extra.is_empty() {
        let zh: Vec<&str> = extra.iter().map(|r| r.label_zh()).collect();
        let en: Vec<&str> = extra.iter().map(|r| r.code()).collect();
        out.push(
            "communication.parent_contact_roles",
            format!(
                "归口管理:区基线只允许{},不能增加{}",
                b.communication
                    .parent_contact_roles
                    .iter()
                    .map(|r| r.label_zh())
                    .collect::<Vec<_>>()
                    .join("、"),
                zh.join("、")
            ),
            format!(
                "Communication rule: the district does not allow {} to contact parents",
                en.join(", ")
            ),
        );
    }
    if b.communication.preferred_channel.is_in_person()
        && !s.communication.preferred_channel.is_in_person()
    {
        out.push(
            "communication.preferred_channel",
            format!(
                "区基线倡导“减少键对键、增加面对面”,首选方式不能是{}",
                s.communication.preferred_channel.label_zh()
            ),
            "The district prefers face-to-face contact; the preferred channel cannot be remote",
        );
    }
}

fn period_task(
    name: &str,
    zh: &str,
    en: &str,
    (count, cadence, window): (u32, Cadence, &WindowSpec),
    (base_count, base_cadence, base_window): (u32, Cadence, &WindowSpec),
    out: &mut Out,
) {
    match at_least(count, cadence, base_count, base_cadence) {
        Ok(()) => {}
        Err(field) => out.push(
            format!("tasks.{name}.{field}"),
            format!(
                "{zh}{}低于区基线的{}",
                cadence_count_zh(count, cadence),
                cadence_count_zh(base_count, base_cadence)
            ),
            format!(
                "{en}: {} is below the district's {}",
                cadence_count_en(count, cadence),
                cadence_count_en(base_count, base_cadence)
            ),
        ),
    }
    if base_count > 0 && count > 0 && cadence == base_cadence {
        deadline_not_later(
            &format!("tasks.{name}.window.to"),
            zh,
            en,
            cadence,
            window,
            base_window,
            out,
        );
    }
}

fn deadline_not_later(
    path: &str,
    zh: &str,
    en: &str,
    cadence: Cadence,
    w: &WindowSpec,
    base: &WindowSpec,
    out: &mut Out,
) {
    let (s, e) = reference_period(cadence);
    let (_, to) = w.resolve(s, e);
    let (_, bto) = base.resolve(s, e);
    if to > bto {
        let late = (to - bto).num_days();
        out.push(
            path.to_owned(),
            format!("{zh}的截止时间比区基线晚{late}天"),
            format!("The deadline for {en} is {late} days later than the district's"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_comparison() {
        use Cadence::*;
        assert!(at_least(1, PerTerm, 1, PerYear).is_ok());
        assert!(at_least(1, PerTerm, 2, PerYear).is_ok());
        assert_eq!(at_least(1, PerTerm, 3, PerYear), Err("count"));
        assert_eq!(at_least(4, PerYear, 1, PerTerm), Err("cadence"));
        assert_eq!(at_least(0, PerTerm, 1, PerTerm), Err("count"));
        assert!(at_least(0, PerYear, 0, PerTerm).is_ok());
    }
}
