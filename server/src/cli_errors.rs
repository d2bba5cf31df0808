//! clap's argument errors in the command line's language. clap words its errors in English only;
//! the kinds an administrator meets are said again here from clap's own context (the argument,
//! the value, what is allowed), and any other kind keeps clap's words. A value parser's own
//! reason ("1 is not in 5..=43200", "invalid socket address syntax") follows as it says it.

use app::i18n::*;
use clap::error::{ContextKind, ErrorKind};

/// One line for a failed parse, without clap's usage block.
pub(crate) fn parse_error_text(locale: Locale, error: &clap::Error) -> String {
    let context = |kind| error.get(kind).map(ToString::to_string).filter(|text| !text.is_empty());
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let said = match error.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => match context(ContextKind::InvalidValue) {
            None => Some(format!("{} {arg}", td_string!(locale, cli.arg_value_missing))),
            Some(value) => {
                let mut text = format!("{} «{value}» — {arg}", td_string!(locale, cli.arg_invalid_value));
                if let Some(allowed) = context(ContextKind::ValidValue) {
                    text.push_str(&format!("; {}: {allowed}", td_string!(locale, cli.arg_allowed)));
                } else if let Some(why) = std::error::Error::source(error) {
                    // A number parser's range, such as "0 is not in 5..=43200".
                    text.push_str(&format!(": {why}"));
                }
                Some(text)
            }
        },
        ErrorKind::UnknownArgument => {
            Some(with_suggestion(locale, format!("{} {arg}", td_string!(locale, cli.arg_unknown)), context(ContextKind::SuggestedArg)))
        }
        ErrorKind::InvalidSubcommand => Some(with_suggestion(
            locale,
            format!("{} {}", td_string!(locale, cli.arg_unknown_command), context(ContextKind::InvalidSubcommand).unwrap_or_default()),
            context(ContextKind::SuggestedSubcommand),
        )),
        ErrorKind::MissingRequiredArgument => Some(format!("{}: {arg}", td_string!(locale, cli.arg_missing))),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Some(td_string!(locale, cli.arg_no_command).to_string())
        }
        ErrorKind::ArgumentConflict => {
            Some(format!("{arg} {} {}", td_string!(locale, cli.arg_conflict), context(ContextKind::PriorArg).unwrap_or_default()))
        }
        _ => None,
    };
    said.unwrap_or_else(|| {
        let text = error.render().to_string();
        let message = text.split("\n\nUsage").next().unwrap_or_default();
        message.split_whitespace().collect::<Vec<_>>().join(" ").trim_start_matches("error: ").to_owned()
    })
}

fn with_suggestion(locale: Locale, text: String, suggested: Option<String>) -> String {
    match suggested {
        Some(suggested) => format!("{text}; {} {suggested}?", td_string!(locale, cli.arg_did_you_mean)),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn said(locale: Locale, args: &[&str]) -> String {
        let error = Cli::try_parse_from(std::iter::once("voronka").chain(args.iter().copied())).expect_err("the arguments are wrong");
        parse_error_text(locale, &error)
    }

    #[test]
    fn each_kind_an_administrator_meets_is_said_in_russian_with_clap_s_details() {
        let russian = Locale::ru;
        assert_eq!(
            said(russian, &["demo", "--sales-see", "some"]),
            "недопустимое значение «some» — --sales-see <SALES_SEE>; допустимо: all, own"
        );
        assert_eq!(
            said(russian, &["serve", "--session-idle-minutes", "1"]),
            "недопустимое значение «1» — --session-idle-minutes <SESSION_IDLE_MINUTES>: 1 is not in 5..=43200"
        );
        assert_eq!(said(russian, &["serve", "--adress", "x"]), "неизвестный аргумент --adress; может быть, --addr?");
        assert_eq!(said(russian, &["serv"]), "неизвестная команда serv; может быть, serve?");
        let missing = said(russian, &["create-user", "--login", "a"]);
        assert!(missing.starts_with("нужно указать: --name <NAME>"), "{missing}");
        assert_eq!(said(russian, &[]), "укажите команду");
    }

    #[test]
    fn english_says_the_same_in_english() {
        assert_eq!(said(Locale::en, &["serv"]), "unknown command serv; did you mean serve?");
        assert_eq!(said(Locale::en, &["demo", "--sales-see", "some"]), "invalid value «some» — --sales-see <SALES_SEE>; allowed: all, own");
    }
}
