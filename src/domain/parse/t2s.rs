//! The Traditional → Simplified table the parser folds with, so that a whistle written in
//! Traditional Chinese matches the Simplified names, keywords and time words it is checked
//! against. It is a data table of its own so that the code around it stays readable.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Traditional → Simplified pairs for the characters of role names, keywords, time, place,
/// urgency, department and acknowledgement words. A full converter (zhconv, fast2s) would bring
/// a large table for a few hundred characters we care about; characters whose Traditional form
/// is also a different Simplified word (乾, 著, 隻, 髮, 臺) are left out on purpose.
const T2S: &str =
    "網网監监員员執执區区專专幹干環环衛卫衞卫潔洁機机關关聯联絡络紀纪檢检長长門门職职\
積积掃扫佔占擺摆攤摊販贩動动違违亂乱貼贴廣广鬥斗毆殴盜盗竊窃糾纠紛纷詐诈騙骗鬧闹聲声擾扰響响\
燈灯蓋盖溝沟損损壞坏護护欄栏窪洼獨独殘残難难養养業业證证風风敗败貪贪險险隱隐飛飞線线電电車车\
災灾髒脏運运異异葉叶糞粪屍尸體体樹树無无經经營营發发現现處处裡里裏里時时點点個个兩两內内鐘钟\
頭头後后週周禮礼為为號号這这麼么緊紧應应診诊彎弯轉转別别須须馬马華华隊队場场務务態态協协會会\
園园綠绿鎮镇辦办勞劳醫医療疗資资規规劃划設设標标計计學学輸输報报確确認认來来請请儘尽盡尽說说\
話话謝谢還还們们對对問问題题該该據据總总數数鄰邻圓圆東东樓楼棟栋單单廁厕雜杂遲迟夠够滿满淨净\
氣气煙烟壓压條条罰罚圍围擋挡礙碍裝装築筑換换撿捡嗎吗沒没讓让給给從从過过進进幫帮邊边級级層层\
準准備备輛辆遺遗棄弃側侧於于與与搶抢眾众爭争觀观達达嚴严錯错鎖锁庫库橋桥燒烧黃黄紅红視视聽听\
導导當当舊旧價价貨货賣卖買买簡简傷伤";

pub(super) fn t2s() -> &'static HashMap<char, char> {
    static MAP: OnceLock<HashMap<char, char>> = OnceLock::new();
    MAP.get_or_init(|| {
        let cs: Vec<char> = T2S.chars().collect();
        cs.chunks_exact(2)
            .filter(|p| p[0] != p[1])
            .map(|p| (p[0], p[1]))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_table_is_pairs_of_distinct_characters() {
        let cs: Vec<char> = T2S.chars().collect();
        assert_eq!(cs.len() % 2, 0);
        assert_eq!(
            t2s().len(),
            cs.len() / 2,
            "a Traditional character is listed twice"
        );
        assert!(t2s().iter().all(|(t, s)| t != s));
    }
}
