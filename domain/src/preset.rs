//! What a new school starts from: stage presets and the default dictionaries.

use crate::stage::StageKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StagePreset {
    /// The 26 processing statuses of the "Мой Вектор" lead card, in its order.
    DrivingSchoolFull,
    /// Первичный контакт, Ожидает набора, Зачислен в группу, Отказ.
    Simple,
}

impl StagePreset {
    pub fn as_str(self) -> &'static str {
        match self {
            StagePreset::DrivingSchoolFull => "driving_school_full",
            StagePreset::Simple => "simple",
        }
    }

    pub fn parse(s: &str) -> Option<StagePreset> {
        match s {
            "driving_school_full" => Some(StagePreset::DrivingSchoolFull),
            "simple" => Some(StagePreset::Simple),
            _ => None,
        }
    }

    pub fn stages(self) -> &'static [PresetStage] {
        match self {
            StagePreset::DrivingSchoolFull => FULL,
            StagePreset::Simple => SIMPLE,
        }
    }
}

/// One stage of a preset, in position order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetStage {
    pub name: &'static str,
    pub color: &'static str,
    pub kind: StageKind,
    pub shown_on_board: bool,
    pub enrolment: bool,
    pub reasons: &'static [&'static str],
}

const fn open(name: &'static str, color: &'static str) -> PresetStage {
    PresetStage { name, color, kind: StageKind::Open, shown_on_board: true, enrolment: false, reasons: &[] }
}

const fn won(name: &'static str, color: &'static str, shown_on_board: bool) -> PresetStage {
    PresetStage { name, color, kind: StageKind::Won, shown_on_board, enrolment: false, reasons: &[] }
}

const fn lost(name: &'static str, color: &'static str, shown_on_board: bool, reasons: &'static [&'static str]) -> PresetStage {
    PresetStage { name, color, kind: StageKind::Lost, shown_on_board, enrolment: false, reasons }
}

/// Seed 000's statuses in its order. Training-phase statuses count as won (the lead became a
/// student) and are hidden from the sales board; the stages that drop a lead are lost.
const FULL: &[PresetStage] = &[
    open("Новый лид", "#3b82f6"),
    open("В работе", "#0ea5e9"),
    open("Не доступен", "#a3a3a3"),
    open("Отложенный запрос", "#8b5cf6"),
    lost("Нет нужной категории", "#78716c", false, &[]),
    won("Внутренний теория", "#14b8a6", false),
    won("Внутренний вождение", "#0d9488", false),
    won("Теория ГИБДД", "#0f766e", false),
    won("Вождение ГИБДД", "#115e59", false),
    won("Курсант", "#16a34a", true),
    won("Стоп лист/Пауза", "#ca8a04", false),
    won("Стоп лист/Выход", "#a16207", false),
    lost("Забрал документы", "#9f1239", false, &[]),
    won("Обучение завершено", "#166534", false),
    lost("Другой город", "#737373", false, &[]),
    lost("Мертвый лид", "#525252", true, &["Не отвечает на звонки", "Не отвечает на сообщения", "Неверный номер"]),
    won("Курсант другой АШ", "#65a30d", false),
    lost("Дубль", "#94a3b8", false, &[]),
    open("Другая категория", "#f59e0b"),
    lost(
        "Ушёл из офиса",
        "#dc2626",
        true,
        &["Дорого", "Выбрал другую автошколу", "Неудобное расписание", "Неудобное расположение", "Передумал"],
    ),
    open("АМО", "#6366f1"),
    open("Встреча", "#06b6d4"),
    open("Обработан", "#10b981"),
    open("Чат бот", "#d946ef"),
    PresetStage { name: "Договор", color: "#22c55e", kind: StageKind::Won, shown_on_board: true, enrolment: true, reasons: &[] },
    lost("Некачественный", "#b91c1c", false, &["Перестал выходить на связь", "Ошибочная заявка"]),
];

const SIMPLE: &[PresetStage] = &[
    open("Первичный контакт", "#3b82f6"),
    open("Ожидает набора", "#f59e0b"),
    PresetStage {
        name: "Зачислен в группу", color: "#22c55e", kind: StageKind::Won, shown_on_board: true, enrolment: true, reasons: &[]
    },
    lost(
        "Отказ",
        "#dc2626",
        true,
        &["Дорого", "Выбрал другую автошколу", "Неудобное расписание", "Неудобное расположение", "Передумал", "Другое"],
    ),
];

/// Licence categories of Russian driving licences, in the order schools list them.
pub const CATEGORIES: &[&str] = &["A", "A1", "B", "B1", "BE", "C", "C1", "CE", "C1E", "D", "D1", "DE", "D1E", "M", "Tm", "Tb"];

/// Categories a typical school teaches; the rest start disabled and can be switched on.
pub const CATEGORIES_ENABLED_BY_DEFAULT: &[&str] = &["A", "B", "BE", "C", "CE", "M"];

/// Sales channels ("каналы привлечения"); the first is the default for a new lead.
pub const CHANNELS: &[&str] =
    &["Сарафанное радио", "Сайт", "Вывеска", "ВКонтакте", "Telegram", "Яндекс.Карты", "2ГИС", "Авито", "Реклама на радио", "Листовки"];

/// How the person got in touch ("источник обращения").
pub const CONTACT_SOURCES: &[&str] = &["Звонок", "Визит", "Сообщение", "Веб-форма", "Другое"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_preset_has_the_26_statuses_of_seed_000_in_order() {
        let s = StagePreset::DrivingSchoolFull.stages();
        assert_eq!(s.len(), 26);
        assert_eq!(s[0].name, "Новый лид");
        assert_eq!(s[25].name, "Некачественный");
        let kind = |n: &str| s.iter().find(|p| p.name == n).unwrap().kind;
        for n in ["Договор", "Курсант"] {
            assert_eq!(kind(n), StageKind::Won, "{n}");
        }
        for n in ["Мертвый лид", "Некачественный", "Дубль", "Другой город", "Ушёл из офиса", "Нет нужной категории"]
        {
            assert_eq!(kind(n), StageKind::Lost, "{n}");
        }
        assert_eq!(s.iter().filter(|p| p.enrolment).count(), 1);
    }

    #[test]
    fn every_preset_opens_with_an_open_stage_and_has_a_won_one() {
        for p in [StagePreset::DrivingSchoolFull, StagePreset::Simple] {
            let s = p.stages();
            assert_eq!(s[0].kind, StageKind::Open);
            assert!(s.iter().any(|x| x.kind == StageKind::Won && x.enrolment));
            for x in s {
                crate::stage::validate_color(x.color).unwrap();
            }
            let mut names: Vec<_> = s.iter().map(|x| x.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), s.len(), "stage names are unique");
        }
        assert_eq!(StagePreset::Simple.stages().len(), 4);
        assert!(StagePreset::Simple.stages()[3].reasons.len() > 1);
    }

    #[test]
    fn categories_are_the_sixteen_of_the_spec() {
        assert_eq!(CATEGORIES.len(), 16);
        assert!(CATEGORIES_ENABLED_BY_DEFAULT.iter().all(|c| CATEGORIES.contains(c)));
        assert_eq!(StagePreset::parse("simple"), Some(StagePreset::Simple));
    }
}
