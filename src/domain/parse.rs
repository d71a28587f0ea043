//! Placeholder until the whistle parser lands: the keyword rule type the organisation uses.
use serde::{Deserialize, Serialize};

use super::role::RoleId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordRule {
    pub words: Vec<String>,
    pub role: RoleId,
}
