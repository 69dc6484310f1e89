//! Per-code-point values for the tables: the PRECIS category (RFC 8264 §8-9),
//! the IDNA2008 property (RFC 5892 §2-3), and the plain UCD properties the
//! runtime rules need.

use std::collections::BTreeMap;

use super::ucd::{self, CODE_POINTS, Ucd};

/// RFC 5892 §2.6 Exceptions (F), shared by RFC 8264 §9.6: code point and the
/// property it gets.
pub const EXCEPTIONS: &[(u32, &str)] = &[
    (0x00DF, "Pvalid"),
    (0x03C2, "Pvalid"),
    (0x06FD, "Pvalid"),
    (0x06FE, "Pvalid"),
    (0x0F0B, "Pvalid"),
    (0x3007, "Pvalid"),
    (0x00B7, "ContextO"),
    (0x0375, "ContextO"),
    (0x05F3, "ContextO"),
    (0x05F4, "ContextO"),
    (0x30FB, "ContextO"),
    (0x0660, "ContextO"),
    (0x0661, "ContextO"),
    (0x0662, "ContextO"),
    (0x0663, "ContextO"),
    (0x0664, "ContextO"),
    (0x0665, "ContextO"),
    (0x0666, "ContextO"),
    (0x0667, "ContextO"),
    (0x0668, "ContextO"),
    (0x0669, "ContextO"),
    (0x06F0, "ContextO"),
    (0x06F1, "ContextO"),
    (0x06F2, "ContextO"),
    (0x06F3, "ContextO"),
    (0x06F4, "ContextO"),
    (0x06F5, "ContextO"),
    (0x06F6, "ContextO"),
    (0x06F7, "ContextO"),
    (0x06F8, "ContextO"),
    (0x06F9, "ContextO"),
    (0x0640, "Disallowed"),
    (0x07FA, "Disallowed"),
    (0x302E, "Disallowed"),
    (0x302F, "Disallowed"),
    (0x3031, "Disallowed"),
    (0x3032, "Disallowed"),
    (0x3033, "Disallowed"),
    (0x3034, "Disallowed"),
    (0x3035, "Disallowed"),
    (0x303B, "Disallowed"),
];

/// The code points `FAST` covers: U+0000..U+07FF (every two-byte UTF-8 sequence), which
/// holds Latin, Greek, Cyrillic, Armenian, Hebrew and most of Arabic.
pub const FAST_LIMIT: u32 = 0x800;

/// The bits of the `FAST` flags: constant name and meaning. Most say that one rule of
/// enforcement leaves the code point alone, so that a string of code points that have
/// all the bits a profile needs is stable under one more round of its rules; the last
/// three are properties the rules look up (Bidi Rule, Final_Sigma).
pub const FAST_BITS: &[(&str, &str)] = &[
    (
        "IDENTIFIER",
        "PVALID: valid in the IdentifierClass without a contextual rule.",
    ),
    (
        "FREEFORM",
        "PVALID or FREE_PVAL: valid in the FreeformClass without a contextual rule.",
    ),
    (
        "LOWER_SAME",
        "`toLowerCase` leaves it alone: no lowercase mapping, and not U+03A3 (Final_Sigma).",
    ),
    ("FOLD_SAME", "Full case folding leaves it alone."),
    (
        "NFC_INERT",
        "NFC_QC=Yes and Canonical_Combining_Class=0: a string of such code points is in NFC \
         (the UAX #15 quick check answers Yes).",
    ),
    (
        "NFKC_INERT",
        "NFKC_QC=Yes and Canonical_Combining_Class=0: a string of such code points is in NFKC.",
    ),
    (
        "WIDTH_SAME",
        "Width mapping leaves it alone: no `<wide>`/`<narrow>` decomposition.",
    ),
    (
        "NOT_SPACE",
        "The additional mappings leave it alone: not a non-ASCII space (Zs other than U+0020).",
    ),
    (
        "RTL",
        "Bidi_Class R, AL or AN (the Bidi Rule applies to a string holding one).",
    ),
    (
        "IS_CASED",
        "The Cased property (Final_Sigma context); the range table `CASED` says the same.",
    ),
    (
        "IS_CASE_IGNORABLE",
        "The Case_Ignorable property (Final_Sigma context); the range table \
         `CASE_IGNORABLE` says the same.",
    ),
];

/// The bit of `FAST_BITS` named `name`.
fn fast_bit(name: &str) -> u16 {
    let i = FAST_BITS
        .iter()
        .position(|(n, _)| *n == name)
        .expect("a FAST_BITS name");
    1 << i
}

/// Everything the emitter needs, one entry per code point where it applies.
pub struct Derived {
    pub version: (u8, u8, u8),
    /// PRECIS category name (variant of `Category`).
    pub precis: Vec<&'static str>,
    /// IDNA2008 property name (variant of `idna2008::Property`).
    pub idna: Vec<&'static str>,
    /// Bidi_Class short name.
    pub bidi: Vec<String>,
    /// Joining_Type short name (`U` for non-joining).
    pub joining: Vec<String>,
    pub greek: Vec<bool>,
    pub hebrew: Vec<bool>,
    pub hiragana_katakana_han: Vec<bool>,
    pub virama: Vec<bool>,
    /// General_Category Mn, Mc or Me.
    pub combining_mark: Vec<bool>,
    pub cased: Vec<bool>,
    pub case_ignorable: Vec<bool>,
    /// Non-ASCII `Zs` code points.
    pub non_ascii_space: Vec<bool>,
    /// `<wide>` / `<narrow>` decompositions.
    pub width: BTreeMap<u32, u32>,
    /// Full lowercase mapping (only code points that change).
    pub lower: BTreeMap<u32, Vec<u32>>,
    /// Full default case folding (only code points that change).
    pub fold: BTreeMap<u32, Vec<u32>>,
    /// The `FAST_BITS` flags of U+0000..U+07FF.
    pub fast: Vec<u16>,
    /// The lowercase mapping of U+0000..U+07FF for `FAST_LOWER`: the code point
    /// itself when it has none, 0 when it maps to several code points or to one
    /// from U+0800 on.
    pub fast_lower: Vec<u16>,
}

fn is_noncharacter(cp: u32) -> bool {
    (0xFDD0..=0xFDEF).contains(&cp) || (cp & 0xFFFE) == 0xFFFE
}

pub fn derive(ucd: &Ucd) -> Result<Derived, String> {
    let version = ucd.version()?;
    let data = ucd::unicode_data(&ucd.read("UnicodeData.txt")?)?;
    let core = ucd.read("DerivedCoreProperties.txt")?;
    let default_ignorable = ucd::binary_property(&core, "Default_Ignorable_Code_Point")?;
    let cased = ucd::binary_property(&core, "Cased")?;
    let case_ignorable = ucd::binary_property(&core, "Case_Ignorable")?;
    let proplist = ucd.read("PropList.txt")?;
    let noncharacter = ucd::binary_property(&proplist, "Noncharacter_Code_Point")?;
    let white_space = ucd::binary_property(&proplist, "White_Space")?;
    let norm = ucd.read("DerivedNormalizationProps.txt")?;
    let cwkcf = ucd::binary_property(&norm, "Changes_When_NFKC_Casefolded")?;
    let nfkc_no = nfkc_quick_check_no(&norm)?;
    let hst = ucd.read("HangulSyllableType.txt")?;
    let jamo: Vec<bool> = {
        let l = ucd::binary_property(&hst, "L")?;
        let v = ucd::binary_property(&hst, "V")?;
        let t = ucd::binary_property(&hst, "T")?;
        (0..CODE_POINTS).map(|i| l[i] || v[i] || t[i]).collect()
    };
    let ignorable_blocks = ucd::blocks(
        &ucd.read("Blocks.txt")?,
        &[
            "Combining Diacritical Marks for Symbols",
            "Musical Symbols",
            "Ancient Greek Musical Notation",
        ],
    )?;
    let scripts = ucd.read("Scripts.txt")?;
    let bidi = ucd::enumerated_property(
        &ucd.read("extracted/DerivedBidiClass.txt")?,
        &[
            ("Left_To_Right", "L"),
            ("Right_To_Left", "R"),
            ("Arabic_Letter", "AL"),
            ("European_Terminator", "ET"),
            ("Boundary_Neutral", "BN"),
        ],
    )?;
    let joining = ucd::enumerated_property(
        &ucd.read("extracted/DerivedJoiningType.txt")?,
        &[("Non_Joining", "U")],
    )?;

    // Sanity: the noncharacter formula and PropList agree.
    for (cp, &nc) in noncharacter.iter().enumerate() {
        if nc != is_noncharacter(cp as u32) {
            return Err(format!("Noncharacter_Code_Point disagrees at U+{cp:04X}"));
        }
    }

    let mut precis = Vec::with_capacity(CODE_POINTS);
    let mut idna = Vec::with_capacity(CODE_POINTS);
    for cp in 0..CODE_POINTS as u32 {
        let i = cp as usize;
        let gc = data[i].general_category.as_str();
        let exception = EXCEPTIONS.iter().find(|(c, _)| *c == cp).map(|(_, p)| *p);
        let unassigned = gc == "Cn" && !noncharacter[i];
        let letter_digits = matches!(gc, "Ll" | "Lu" | "Lo" | "Nd" | "Lm" | "Mn" | "Mc");
        // RFC 8264 §8, in order.
        let p = if exception.is_some() {
            "Exceptions"
        } else if unassigned {
            "Unassigned"
        } else if (0x21..=0x7E).contains(&cp) {
            "Ascii7"
        } else if cp == 0x200C || cp == 0x200D {
            "JoinControl"
        } else if jamo[i] {
            "OldHangulJamo"
        } else if default_ignorable[i] || noncharacter[i] {
            "PrecisIgnorableProperties"
        } else if gc == "Cc" {
            "Controls"
        } else if nfkc_no[i] {
            "HasCompat"
        } else if letter_digits {
            "LetterDigits"
        } else if matches!(gc, "Lt" | "Nl" | "No" | "Me") {
            "OtherLetterDigits"
        } else if gc == "Zs" {
            "Spaces"
        } else if matches!(gc, "Sm" | "Sc" | "Sk" | "So") {
            "Symbols"
        } else if matches!(gc, "Pc" | "Pd" | "Ps" | "Pe" | "Pi" | "Pf" | "Po") {
            "Punctuation"
        } else {
            "Other"
        };
        precis.push(p);
        // RFC 5892 §3, in order.
        let q = if let Some(e) = exception {
            e
        } else if unassigned {
            "Unassigned"
        } else if matches!(cp, 0x2D | 0x30..=0x39 | 0x61..=0x7A) {
            // LDH: [-0-9a-z]
            "Pvalid"
        } else if cp == 0x200C || cp == 0x200D {
            "ContextJ"
        } else if cwkcf[i]
            || default_ignorable[i]
            || white_space[i]
            || noncharacter[i]
            || ignorable_blocks[i]
            || jamo[i]
        {
            "Disallowed"
        } else if letter_digits {
            "Pvalid"
        } else {
            "Disallowed"
        };
        idna.push(q);
    }

    let mut width = BTreeMap::new();
    let mut lower = BTreeMap::new();
    let mut non_ascii_space = vec![false; CODE_POINTS];
    let mut virama = vec![false; CODE_POINTS];
    let mut combining_mark = vec![false; CODE_POINTS];
    for (i, r) in data.iter().enumerate() {
        let cp = i as u32;
        if r.decomposition_tag == "wide" || r.decomposition_tag == "narrow" {
            match r.decomposition.as_slice() {
                [one] => {
                    width.insert(cp, *one);
                }
                other => return Err(format!("U+{cp:04X}: width decomposition {other:X?}")),
            }
        }
        if let Some(l) = r.simple_lowercase {
            lower.insert(cp, vec![l]);
        }
        non_ascii_space[i] = r.general_category == "Zs" && cp != 0x20;
        virama[i] = r.combining_class == 9;
        combining_mark[i] = r.general_category.starts_with('M');
    }
    for (cp, seq) in ucd::special_lowercase(&ucd.read("SpecialCasing.txt")?)? {
        if seq == [cp] {
            lower.remove(&cp);
        } else {
            lower.insert(cp, seq);
        }
    }
    let fold = ucd::case_folding(&ucd.read("CaseFolding.txt")?)?;

    let nfc_yes = quick_check_yes(&norm, "NFC_QC")?;
    let nfkc_yes = quick_check_yes(&norm, "NFKC_QC")?;
    let fast = (0..FAST_LIMIT)
        .map(|cp| {
            let i = cp as usize;
            let exception = EXCEPTIONS.iter().find(|(c, _)| *c == cp).map(|(_, p)| *p);
            // RFC 8264 §8: the property each category gives (derived.rs does the same).
            let (pvalid, free_pval) = match precis[i] {
                "Exceptions" => (exception == Some("Pvalid"), false),
                "Ascii7" | "LetterDigits" => (true, false),
                "HasCompat" | "OtherLetterDigits" | "Spaces" | "Symbols" | "Punctuation" => {
                    (false, true)
                }
                _ => (false, false),
            };
            let ccc0 = data[i].combining_class == 0;
            let rtl = matches!(bidi[i].as_str(), "R" | "AL" | "AN");
            [
                ("IDENTIFIER", pvalid),
                ("FREEFORM", pvalid || free_pval),
                ("LOWER_SAME", !lower.contains_key(&cp) && cp != 0x03A3),
                ("FOLD_SAME", !fold.contains_key(&cp)),
                ("NFC_INERT", nfc_yes[i] && ccc0),
                ("NFKC_INERT", nfkc_yes[i] && ccc0),
                ("WIDTH_SAME", !width.contains_key(&cp)),
                ("NOT_SPACE", !non_ascii_space[i]),
                ("RTL", rtl),
                ("IS_CASED", cased[i]),
                ("IS_CASE_IGNORABLE", case_ignorable[i]),
            ]
            .into_iter()
            .filter(|&(_, set)| set)
            .fold(0, |flags, (name, _)| flags | fast_bit(name))
        })
        .collect();
    let fast_lower = (0..FAST_LIMIT)
        .map(|cp| match lower.get(&cp).map(Vec::as_slice) {
            None => cp as u16,
            Some(&[one]) if (1..FAST_LIMIT).contains(&one) => one as u16,
            // Several code points, or one beyond the table: the range tables say.
            Some(_) => 0,
        })
        .collect();

    Ok(Derived {
        version,
        precis,
        idna,
        bidi,
        joining,
        greek: ucd::scripts(&scripts, &["Greek"])?,
        hebrew: ucd::scripts(&scripts, &["Hebrew"])?,
        hiragana_katakana_han: ucd::scripts(&scripts, &["Hiragana", "Katakana", "Han"])?,
        virama,
        combining_mark,
        cased,
        case_ignorable,
        non_ascii_space,
        width,
        lower,
        fold,
        fast,
        fast_lower,
    })
}

/// `<property>=Yes` (`NFC_QC` or `NFKC_QC`): the code points the file does not list
/// with `N` or `M` (its `@missing` default is `Yes`).
fn quick_check_yes(text: &str, property: &str) -> Result<Vec<bool>, String> {
    let mut out = vec![true; CODE_POINTS];
    let mut seen = false;
    for f in ucd::data_lines(text) {
        if f.len() >= 3 && f[1] == property {
            if f[2] != "N" && f[2] != "M" {
                return Err(format!("{property}: unexpected value `{}`", f[2]));
            }
            let (a, b) = ucd::parse_range(f[0])?;
            for cp in a..=b {
                out[cp as usize] = false;
            }
            seen = true;
        }
    }
    if seen {
        Ok(out)
    } else {
        Err(format!("property `{property}` not found"))
    }
}

/// `NFKC_QC=N`: exactly the code points whose NFKC form differs from themselves
/// (RFC 8264 §9.13 HasCompat: `toNFKC(cp) != cp`).
fn nfkc_quick_check_no(text: &str) -> Result<Vec<bool>, String> {
    let mut out = vec![false; CODE_POINTS];
    for f in ucd::data_lines(text) {
        if f.len() >= 3 && f[1] == "NFKC_QC" && f[2] == "N" {
            let (a, b) = ucd::parse_range(f[0])?;
            for cp in a..=b {
                out[cp as usize] = true;
            }
        }
    }
    Ok(out)
}
