//! Readers for the Unicode Character Database text files.
//!
//! Every reader returns plain data (per-code-point vectors or maps); nothing
//! here knows about PRECIS or IDNA.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One past the largest code point.
pub const CODE_POINTS: usize = 0x11_0000;

/// The UCD directory and the files read from it.
pub struct Ucd {
    dir: PathBuf,
}

impl Ucd {
    pub fn new(dir: &Path) -> Self {
        Ucd {
            dir: dir.to_path_buf(),
        }
    }

    pub fn read(&self, name: &str) -> Result<String, String> {
        let path = self.dir.join(name);
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "{}: {e} (install Debian's `unicode-data` package: apt-get install -y unicode-data)",
                path.display()
            )
        })
    }

    /// The `major.minor.patch` version named in the header of `DerivedCoreProperties.txt`
    /// (`# DerivedCoreProperties-15.0.0.txt`).
    pub fn version(&self) -> Result<(u8, u8, u8), String> {
        let text = self.read("DerivedCoreProperties.txt")?;
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("# DerivedCoreProperties-"))
            .ok_or("DerivedCoreProperties.txt: no version line")?;
        let v = line.trim_end_matches(".txt");
        let mut parts = v.split('.').map(|p| p.parse::<u8>());
        match (parts.next(), parts.next(), parts.next()) {
            (Some(Ok(a)), Some(Ok(b)), Some(Ok(c))) => Ok((a, b, c)),
            _ => Err(format!("DerivedCoreProperties.txt: bad version `{v}`")),
        }
    }
}

/// Parses `XXXX` or `XXXX..YYYY`.
pub fn parse_range(s: &str) -> Result<(u32, u32), String> {
    let s = s.trim();
    match s.split_once("..") {
        Some((a, b)) => Ok((hex(a)?, hex(b)?)),
        None => {
            let v = hex(s)?;
            Ok((v, v))
        }
    }
}

pub fn hex(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim(), 16).map_err(|e| format!("bad code point `{s}`: {e}"))
}

/// Parses a space-separated sequence of hex code points.
pub fn hex_seq(s: &str) -> Result<Vec<u32>, String> {
    s.split_whitespace().map(hex).collect()
}

/// The data lines of a UCD file: comments stripped, fields split at `;` and trimmed.
pub fn data_lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().filter_map(|line| {
        let data = line.split('#').next().unwrap_or("").trim();
        if data.is_empty() {
            None
        } else {
            Some(data.split(';').map(str::trim).collect())
        }
    })
}

/// A binary property file (`PropList.txt`, `DerivedCoreProperties.txt`, ...):
/// the code points that have property `name`.
pub fn binary_property(text: &str, name: &str) -> Result<Vec<bool>, String> {
    let mut out = vec![false; CODE_POINTS];
    let mut seen = false;
    for fields in data_lines(text) {
        if fields.len() >= 2 && fields[1] == name {
            let (a, b) = parse_range(fields[0])?;
            for cp in a..=b {
                out[cp as usize] = true;
            }
            seen = true;
        }
    }
    if seen {
        Ok(out)
    } else {
        Err(format!("property `{name}` not found"))
    }
}

/// An enumerated property file with `# @missing:` defaults: the short value of
/// every code point. `long_to_short` translates the long names used in the
/// `@missing` lines.
pub fn enumerated_property(
    text: &str,
    long_to_short: &[(&str, &str)],
) -> Result<Vec<String>, String> {
    let mut out = vec![String::new(); CODE_POINTS];
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# @missing:") {
            let (range, value) = rest.split_once(';').ok_or("bad @missing line")?;
            let value = value.trim();
            let short = long_to_short
                .iter()
                .find(|(long, _)| *long == value)
                .map(|(_, s)| *s)
                .ok_or_else(|| format!("unknown @missing value `{value}`"))?;
            let (a, b) = parse_range(range)?;
            for cp in a..=b {
                out[cp as usize] = short.to_string();
            }
        }
    }
    for fields in data_lines(text) {
        let (a, b) = parse_range(fields[0])?;
        let value = fields.get(1).ok_or("missing value field")?;
        for cp in a..=b {
            out[cp as usize] = (*value).to_string();
        }
    }
    Ok(out)
}

/// What `UnicodeData.txt` says about one code point.
#[derive(Clone, Default)]
pub struct Record {
    pub general_category: String,
    pub combining_class: u8,
    /// Decomposition tag (`wide`, `narrow`, `compat`, ...) or `""` for canonical.
    pub decomposition_tag: String,
    pub decomposition: Vec<u32>,
    pub simple_lowercase: Option<u32>,
}

/// Reads `UnicodeData.txt` into one record per code point (unlisted code points
/// get general category `Cn`). `First>`/`Last>` ranges are expanded.
pub fn unicode_data(text: &str) -> Result<Vec<Record>, String> {
    let unassigned = Record {
        general_category: "Cn".into(),
        ..Record::default()
    };
    let mut out = vec![unassigned; CODE_POINTS];
    let mut range_start: Option<u32> = None;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(';').collect();
        if f.len() < 15 {
            return Err(format!("UnicodeData.txt: short line `{line}`"));
        }
        let cp = hex(f[0])?;
        let (tag, decomposition) = match f[5].strip_prefix('<') {
            Some(rest) => {
                let (tag, seq) = rest.split_once('>').ok_or("bad decomposition tag")?;
                (tag.to_string(), hex_seq(seq)?)
            }
            None => (String::new(), hex_seq(f[5])?),
        };
        let record = Record {
            general_category: f[2].to_string(),
            combining_class: f[3].parse().map_err(|e| format!("ccc of {cp:04X}: {e}"))?,
            decomposition_tag: tag,
            decomposition,
            simple_lowercase: if f[13].is_empty() {
                None
            } else {
                Some(hex(f[13])?)
            },
        };
        if f[1].ends_with(", First>") {
            range_start = Some(cp);
            continue;
        }
        let start = if f[1].ends_with(", Last>") {
            range_start.take().ok_or("Last> without First>")?
        } else {
            cp
        };
        for c in start..=cp {
            out[c as usize] = record.clone();
        }
    }
    Ok(out)
}

/// Unconditional full lowercase mappings of `SpecialCasing.txt` (lines with a
/// condition field are language- or context-specific and skipped; Final_Sigma
/// is implemented in code).
pub fn special_lowercase(text: &str) -> Result<BTreeMap<u32, Vec<u32>>, String> {
    let mut out = BTreeMap::new();
    for f in data_lines(text) {
        // code; lower; title; upper; [condition;]
        let conditional = f.len() > 5 && !f[4].is_empty();
        if conditional {
            continue;
        }
        out.insert(hex(f[0])?, hex_seq(f[1])?);
    }
    Ok(out)
}

/// `CaseFolding.txt` status C and F entries (the full default case folding).
pub fn case_folding(text: &str) -> Result<BTreeMap<u32, Vec<u32>>, String> {
    let mut out = BTreeMap::new();
    for f in data_lines(text) {
        if f.len() >= 3 && (f[1] == "C" || f[1] == "F") {
            out.insert(hex(f[0])?, hex_seq(f[2])?);
        }
    }
    Ok(out)
}

/// The code points of `Scripts.txt` whose script is one of `names`.
pub fn scripts(text: &str, names: &[&str]) -> Result<Vec<bool>, String> {
    let mut out = vec![false; CODE_POINTS];
    for f in data_lines(text) {
        if names.contains(&f[1]) {
            let (a, b) = parse_range(f[0])?;
            for cp in a..=b {
                out[cp as usize] = true;
            }
        }
    }
    Ok(out)
}

/// The code points of the named blocks of `Blocks.txt`.
pub fn blocks(text: &str, names: &[&str]) -> Result<Vec<bool>, String> {
    let mut out = vec![false; CODE_POINTS];
    let mut found = 0;
    for f in data_lines(text) {
        if names.contains(&f[1]) {
            let (a, b) = parse_range(f[0])?;
            for cp in a..=b {
                out[cp as usize] = true;
            }
            found += 1;
        }
    }
    if found == names.len() {
        Ok(out)
    } else {
        Err(format!("Blocks.txt: found {found} of the blocks {names:?}"))
    }
}
