//! The fonts brochures are typeset with: the faces the built-in template
//! uses, compiled into veille (gzipped, inflated on the first brochure),
//! and the fonts a home adds in `corpus/fonts/` for its own template.
//!
//! Only what the template sets is built in: Libertinus Serif (regular,
//! italic, bold, bold italic: every style Markdown can ask for) and DejaVu
//! Sans Mono for code (the same four). Typst's other bundled faces (New
//! Computer Modern, its maths fonts) weighed 7 MB of the binary and no
//! brochure used them; a template that wants them, or any other font,
//! finds them in `corpus/fonts/`. Files and licences: `fonts/README.md`.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::Font;

/// The built-in faces, gzipped (`gzip -9n` of typst-assets 0.15.1's files).
const BUILT_IN: [&[u8]; 8] = [
    include_bytes!("fonts/LibertinusSerif-Regular.otf.gz"),
    include_bytes!("fonts/LibertinusSerif-Italic.otf.gz"),
    include_bytes!("fonts/LibertinusSerif-Bold.otf.gz"),
    include_bytes!("fonts/LibertinusSerif-BoldItalic.otf.gz"),
    include_bytes!("fonts/DejaVuSansMono.ttf.gz"),
    include_bytes!("fonts/DejaVuSansMono-Oblique.ttf.gz"),
    include_bytes!("fonts/DejaVuSansMono-Bold.ttf.gz"),
    include_bytes!("fonts/DejaVuSansMono-BoldOblique.ttf.gz"),
];

/// File name endings of the fonts read from a home.
const FONT_FILES: [&str; 4] = ["otf", "ttf", "otc", "ttc"];

/// The faces compiled into veille.
pub fn built_in() -> &'static [Font] {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    FONTS.get_or_init(|| {
        BUILT_IN
            .iter()
            .flat_map(|gz| {
                let mut bytes = Vec::new();
                flate2::read::GzDecoder::new(*gz)
                    .read_to_end(&mut bytes)
                    .expect("the built-in fonts are valid gzip (checked by a test)");
                Font::iter(Bytes::new(bytes))
            })
            .collect()
    })
}

/// The fonts of a home's `corpus/fonts/` (none when there is no such
/// folder), in file name order. A file that is not a font is an error
/// naming it: a template would otherwise fall back to another face
/// without a word.
pub fn in_dir(dir: &Path) -> Result<Vec<Font>, super::BrochureError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| super::BrochureError::Io { path, source }
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| FONT_FILES.iter().any(|f| e.eq_ignore_ascii_case(f)))
        })
        .collect();
    paths.sort();
    let mut fonts = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        let before = fonts.len();
        fonts.extend(Font::iter(Bytes::new(bytes)));
        if fonts.len() == before {
            let why = "not a font Typst can read (OpenType or TrueType): replace it or take it out of corpus/fonts/";
            return Err(io(&path)(std::io::Error::new(std::io::ErrorKind::InvalidData, why)));
        }
    }
    Ok(fonts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_faces_are_the_templates() {
        let names: Vec<(String, String)> =
            built_in().iter().map(|f| (f.info().family.clone(), format!("{:?}", f.info().variant))).collect();
        assert_eq!(names.len(), 8, "{names:?}");
        assert_eq!(names.iter().filter(|(family, _)| family == "Libertinus Serif").count(), 4);
        assert_eq!(names.iter().filter(|(family, _)| family == "DejaVu Sans Mono").count(), 4);
    }

    #[test]
    fn a_homes_fonts_are_read_and_a_file_that_is_no_font_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(in_dir(&dir.path().join("fonts")).unwrap().is_empty());
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(BUILT_IN[0]).read_to_end(&mut bytes).unwrap();
        std::fs::write(dir.path().join("Maison.otf"), bytes).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "pas une fonte").unwrap();
        assert_eq!(in_dir(dir.path()).unwrap().len(), 1);
        std::fs::write(dir.path().join("Cassée.ttf"), "pas une fonte").unwrap();
        let e = in_dir(dir.path()).unwrap_err();
        assert!(e.to_string().contains("Cassée.ttf"), "{e}");
    }
}
