//! Organisations of any size, generated, for the concurrency tests and `bench --grids N`: one
//! district, sub-districts of ten communities, communities of ten grids, every unit with its
//! chat, every grid with a leader and two duty-role holders, and the departments of the example.

use std::fmt::Write;

/// The chat id of grid number `g` (0-based) in a generated organisation.
pub fn grid_chat(g: usize) -> i64 {
    -1002000000000 - g as i64
}

/// The Telegram id of grid `g`'s leader; `+1` and `+2` hold sanitation and community police.
pub fn grid_leader(g: usize) -> i64 {
    10_000_000 + 10 * g as i64
}

/// The id of grid `g`.
pub fn grid_id(g: usize) -> String {
    format!("g{g}")
}

/// An organisation file with `grids` grids.
pub fn generated_org(grids: usize) -> String {
    let communities = grids.div_ceil(10).max(1);
    let subdistricts = communities.div_ceil(10).max(1);
    let mut t = String::from(
        "timezone = \"Asia/Shanghai\"\ndefault_locale = \"zh-Hans\"\n\n\
         [[admin]]\ntelegram_id = 1\nname = \"管理员\"\n\n\
         [[unit]]\nid = \"district\"\nkind = \"district\"\nname = \"测试区\"\nchat_id = -1002100000000\n\n",
    );
    for s in 0..subdistricts {
        let _ = write!(
            t,
            "[[unit]]\nid = \"s{s}\"\nkind = \"subdistrict\"\nparent = \"district\"\nname = \"第{s}街道\"\nchat_id = {}\n\n",
            -1002200000000 - s as i64
        );
    }
    for c in 0..communities {
        let _ = write!(
            t,
            "[[unit]]\nid = \"c{c}\"\nkind = \"community\"\nparent = \"s{}\"\nname = \"第{c}社区\"\nchat_id = {}\n\n",
            c / 10,
            -1002300000000 - c as i64
        );
    }
    for g in 0..grids {
        let _ = write!(
            t,
            "[[unit]]\nid = \"{}\"\nkind = \"grid\"\nparent = \"c{}\"\nname = \"第{g}网格\"\nchat_id = {}\n\n",
            grid_id(g),
            g / 10,
            grid_chat(g)
        );
    }
    t.push_str(
        "[[department]]\nid = \"urban\"\nname = \"城管中队\"\naliases = [\"城管\"]\nchat_id = -1002400000000\nhandles = [\"占道经营\", \"流动摊贩\"]\n\n",
    );
    for g in 0..grids {
        for (k, role) in ["grid_leader", "sanitation", "community_police"]
            .iter()
            .enumerate()
        {
            let _ = write!(
                t,
                "[[member]]\ntelegram_id = {}\nname = \"网格{g}成员{k}\"\nunit = \"{}\"\nroles = [\"{role}\"]\n\n",
                grid_leader(g) + k as i64,
                grid_id(g)
            );
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_organisation_is_valid_and_as_large_as_asked() {
        let org = crate::domain::org::parse_org(&generated_org(123)).expect("valid");
        let grids = org
            .units
            .iter()
            .filter(|u| u.kind == crate::domain::org::UnitKind::Grid)
            .count();
        assert_eq!(grids, 123);
        assert_eq!(org.units.len(), 1 + 2 + 13 + 123);
        assert!(org.units.iter().all(|u| u.chat_id.is_some()));
    }
}
