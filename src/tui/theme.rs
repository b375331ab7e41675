//! The UI's look in one place: the [`Palette`] of the screens' parts and the
//! [`Styles`] the renderer gives an article's text. Both come from
//! veille.toml's `[tui.colors]` and NO_COLOR (see [`super::Setup`]); every
//! part also has a mark that needs no colour.

use ratatui::style::{Color, Modifier, Style};

use super::keymap::SettingError;

/// The colours of the UI's parts; every part also has a non-colour mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub accent: Style,
    /// Words matched by the query.
    pub matched: Style,
    pub dim: Style,
    pub title: Style,
    pub selected: Style,
    pub error: Style,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            accent: Style::new().fg(Color::Cyan),
            matched: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            error: Style::new().fg(Color::Red),
        }
    }
}

impl Palette {
    /// For NO_COLOR: bold, underline and reverse video only.
    pub fn monochrome() -> Palette {
        Palette {
            accent: Style::new(),
            matched: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            dim: Style::new(),
            title: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            error: Style::new().add_modifier(Modifier::BOLD),
        }
    }

    /// Applies veille.toml's `[tui.colors]`; names a bad part or colour.
    pub fn with_colors(
        mut self,
        colors: &std::collections::BTreeMap<String, String>,
    ) -> Result<Palette, SettingError> {
        for (part, value) in colors {
            let color: Color = value
                .parse()
                .map_err(|_| SettingError(format!("[tui.colors] {part}: {value:?} is not a colour")))?;
            let style = match part.as_str() {
                "accent" => &mut self.accent,
                "match" => &mut self.matched,
                "dim" => &mut self.dim,
                "title" => &mut self.title,
                "error" => &mut self.error,
                _ => {
                    return Err(SettingError(format!(
                        "[tui.colors]: no part {part:?} (parts: accent, match, dim, title, error)"
                    )));
                }
            };
            *style = style.fg(color);
        }
        Ok(self)
    }
}

/// Styles used by the renderer (the UI passes its theme's; `Default` gives plain
/// bold/italic/underline with no colours, for `NO_COLOR`).
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    pub heading: Style,
    pub emphasis: Style,
    pub strong: Style,
    pub quote: Style,
    pub link: Style,
    pub code: Style,
    /// List bullets, link and footnote numbers, quote bars, rules.
    pub marker: Style,
}

impl Default for Styles {
    /// Quotes stay upright: the `│ ` bar marks them, and italic quotes would hide
    /// the emphasis inside them.
    fn default() -> Self {
        Styles {
            heading: Style::new().add_modifier(Modifier::BOLD),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strong: Style::new().add_modifier(Modifier::BOLD),
            quote: Style::new(),
            link: Style::new().add_modifier(Modifier::UNDERLINED),
            code: Style::new(),
            marker: Style::new(),
        }
    }
}

impl Styles {
    /// The article's styles in a palette's colours: links in its accent, so
    /// that they look like the screens' URLs.
    pub fn with_palette(palette: &Palette) -> Styles {
        Styles { link: palette.accent.add_modifier(Modifier::UNDERLINED), ..Default::default() }
    }
}
