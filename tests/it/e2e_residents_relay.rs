//! Residents end to end (issue 9), between the group and the resident: questions and answers,
//! notices, the rating loop, "not rated", duplicates, and privacy.

#[allow(unused_imports)]
use crate::e2e::*;
