//! The bot's commands. Each takes the rest of the line as its argument, so a stray word after a
//! command never turns it into "unknown command".

use teloxide::utils::command::BotCommands;

use crate::domain::Lang;
use crate::i18n::ids;
use crate::tr;

#[derive(BotCommands, Debug, Clone, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    Start(String),
    Help(String),
    Whistle(String),
    Ack(String),
    Done(String),
    Verify(String),
    Reopen(String),
    Cancel(String),
    Escalate(String),
    List(String),
    Show(String),
    Roster(String),
    Assign(String),
    Unassign(String),
    Bind(String),
    Lang(String),
}

/// The command menu for a language: (command, description).
pub fn menu(lang: Lang, group: bool) -> Vec<(&'static str, String)> {
    let mut items = vec![("help", tr!(lang, ids::MENU_HELP))];
    if group {
        items.extend([
            ("whistle", tr!(lang, ids::MENU_WHISTLE)),
            ("ack", tr!(lang, ids::MENU_ACK)),
            ("done", tr!(lang, ids::MENU_DONE)),
            ("verify", tr!(lang, ids::MENU_VERIFY)),
            ("reopen", tr!(lang, ids::MENU_REOPEN)),
            ("cancel", tr!(lang, ids::MENU_CANCEL)),
            ("escalate", tr!(lang, ids::MENU_ESCALATE)),
            ("list", tr!(lang, ids::MENU_LIST)),
            ("show", tr!(lang, ids::MENU_SHOW)),
            ("roster", tr!(lang, ids::MENU_ROSTER)),
            ("assign", tr!(lang, ids::MENU_ASSIGN)),
            ("unassign", tr!(lang, ids::MENU_UNASSIGN)),
            ("bind", tr!(lang, ids::MENU_BIND)),
        ]);
    }
    items.push(("lang", tr!(lang, ids::MENU_LANG)));
    items
}
