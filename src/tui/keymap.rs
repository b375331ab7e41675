//! Every key of the UI in one table: it decides what a key does, and it
//! writes the help overlay and the hint bar, so the three never disagree.
//! veille.toml's `[tui.keys]` replaces an action's keys by name.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::i18n::{Lang, Text};

/// What the user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Suspend,
    Help,
    FocusSearch,
    NextPane,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextMatch,
    PrevMatch,
    OpenBrowser,
    CopyUrl,
    ToggleBasket,
    Similar,
    ShowBasket,
    NextBasket,
    MoveUp,
    MoveDown,
    Filters,
    ToggleSort,
    Left,
    Right,
    Export,
    /// Add or remove the collective's labels.
    Labels,
    /// Write the collective's note.
    Note,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere but while typing in the query line (where letters are text).
    Global,
    /// The results and themes lists.
    Lists,
    Reader,
    Basket,
    /// The filters menu.
    Menu,
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub action: Action,
    /// The name used in veille.toml.
    pub name: &'static str,
    pub scope: Scope,
    pub keys: Vec<Key>,
    pub label: Text,
    /// Shown in the hint bar of its scope.
    pub hint: bool,
}

/// A key with its modifiers, as written in veille.toml: `q`, `ctrl-c`,
/// `enter`, `pagedown`, `space`, `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub fn parse(text: &str) -> Option<Key> {
        let (ctrl, name) = match text.strip_prefix("ctrl-") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let code = match name {
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            one if one.chars().count() == 1 => KeyCode::Char(one.chars().next()?),
            _ => return None,
        };
        Some(Key { code, ctrl })
    }

    pub fn matches(&self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = event.code;
        code == self.code && ctrl == self.ctrl
    }

    pub fn label(&self) -> String {
        let name = match self.code {
            KeyCode::Enter => "Entrée/Enter".to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "⌫".into(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".into(),
        };
        if self.ctrl { format!("C-{name}") } else { name }
    }
}

fn keys(list: &[&str]) -> Vec<Key> {
    list.iter().map(|k| Key::parse(k).expect("default keys parse")).collect()
}

/// The default table.
pub fn defaults() -> Vec<Binding> {
    use Action::*;
    use Scope::*;
    let b = |action, name, scope, k: &[&str], fr, en, hint| Binding {
        action,
        name,
        scope,
        keys: keys(k),
        label: Text::new(fr, en),
        hint,
    };
    vec![
        b(Quit, "quit", Global, &["q", "ctrl-c"], "quitter", "quit", true),
        b(Help, "help", Global, &["?"], "aide", "help", true),
        b(Suspend, "suspend", Global, &["ctrl-z"], "suspendre", "suspend", false),
        b(FocusSearch, "search", Global, &["/"], "chercher", "search", true),
        b(NextPane, "next-pane", Lists, &["tab"], "thèmes/résultats", "themes/results", true),
        b(Up, "up", Lists, &["k", "up"], "monter", "up", false),
        b(Down, "down", Lists, &["j", "down"], "descendre", "down", false),
        b(PageUp, "page-up", Lists, &["pageup", "ctrl-b"], "page précédente", "page up", false),
        b(PageDown, "page-down", Lists, &["pagedown", "ctrl-f"], "page suivante", "page down", false),
        b(Top, "top", Lists, &["g", "home"], "début", "top", false),
        b(Bottom, "bottom", Lists, &["G", "end"], "fin", "bottom", false),
        b(Open, "open", Lists, &["enter", "l", "right"], "lire", "read", true),
        b(ToggleBasket, "basket", Lists, &["b", "space"], "panier +/−", "basket +/−", true),
        b(Similar, "similar", Lists, &["s"], "articles proches", "similar", true),
        b(OpenBrowser, "browser", Lists, &["o"], "ouvrir l'adresse", "open URL", false),
        b(CopyUrl, "copy", Lists, &["y"], "copier l'adresse", "copy URL", false),
        b(Filters, "filters", Lists, &["f"], "filtres", "filters", true),
        b(Labels, "labels", Lists, &["t"], "étiquettes", "labels", true),
        b(Note, "note", Lists, &["N"], "note", "note", false),
        b(ToggleSort, "sort", Lists, &["T"], "tri pertinence/date", "sort relevance/date", false),
        b(ShowBasket, "show-basket", Lists, &["p"], "voir le panier", "show basket", true),
        b(Back, "back", Reader, &["esc", "h", "left"], "retour", "back", true),
        b(Up, "up", Reader, &["k", "up"], "ligne précédente", "line up", false),
        b(Down, "down", Reader, &["j", "down"], "ligne suivante", "line down", false),
        b(PageUp, "page-up", Reader, &["pageup", "ctrl-b", "b"], "page précédente", "page up", false),
        b(
            PageDown,
            "page-down",
            Reader,
            &["pagedown", "ctrl-f", "space"],
            "page suivante",
            "page down",
            true,
        ),
        b(Top, "top", Reader, &["g", "home"], "début", "top", false),
        b(Bottom, "bottom", Reader, &["G", "end"], "fin", "bottom", false),
        b(NextMatch, "next-match", Reader, &["n"], "mot suivant", "next match", true),
        b(PrevMatch, "prev-match", Reader, &["p"], "mot précédent", "previous match", false),
        b(Labels, "labels", Reader, &["t"], "étiquettes", "labels", true),
        b(Note, "note", Reader, &["N"], "note", "note", true),
        b(OpenBrowser, "browser", Reader, &["o"], "ouvrir l'adresse", "open URL", true),
        b(CopyUrl, "copy", Reader, &["y"], "copier l'adresse", "copy URL", true),
        b(ToggleBasket, "basket", Reader, &["a"], "panier +/−", "basket +/−", true),
        b(Similar, "similar", Reader, &["s"], "articles proches", "similar", false),
        b(Back, "back", Basket, &["esc", "p"], "retour", "back", true),
        b(Up, "up", Basket, &["k", "up"], "monter", "up", false),
        b(Down, "down", Basket, &["j", "down"], "descendre", "down", false),
        b(MoveUp, "move-up", Basket, &["K"], "remonter l'article", "move up", true),
        b(MoveDown, "move-down", Basket, &["J"], "descendre l'article", "move down", true),
        b(Open, "open", Basket, &["enter"], "lire", "read", true),
        b(ToggleBasket, "basket", Basket, &["d", "b", "space"], "retirer", "remove", true),
        b(NextBasket, "next-basket", Basket, &["tab"], "panier suivant", "next basket", true),
        b(Similar, "similar", Basket, &["s"], "articles proches", "similar", false),
        b(Export, "export", Basket, &["e"], "brochure PDF", "PDF brochure", true),
        b(OpenBrowser, "browser", Basket, &["o"], "ouvrir l'adresse", "open URL", false),
        b(CopyUrl, "copy", Basket, &["y"], "copier l'adresse", "copy URL", false),
        b(Back, "back", Menu, &["esc", "f", "enter"], "fermer", "close", true),
        b(Up, "up", Menu, &["k", "up"], "ligne précédente", "previous line", false),
        b(Down, "down", Menu, &["j", "down"], "ligne suivante", "next line", false),
        b(Left, "left", Menu, &["h", "left"], "valeur précédente", "previous value", true),
        b(Right, "right", Menu, &["l", "right", "space"], "valeur suivante", "next value", true),
    ]
}

/// The table in use: defaults with veille.toml's replacements.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap { bindings: defaults() }
    }
}

/// An entry of veille.toml's `[tui.keys]` or `[tui.colors]` that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingError(pub String);

impl Keymap {
    /// Applies `[tui.keys]`; names an unknown action or key in the error.
    pub fn with_overrides(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, SettingError> {
        Keymap::overridden(overrides).map_err(SettingError)
    }

    fn overridden(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, keys) in overrides {
            let parsed: Vec<Key> = keys
                .iter()
                .map(|k| Key::parse(k).ok_or_else(|| format!("[tui.keys] {name}: {k:?} is not a key")))
                .collect::<Result<_, _>>()?;
            let mut found = false;
            for binding in map.bindings.iter_mut().filter(|b| b.name == name) {
                binding.keys = parsed.clone();
                found = true;
            }
            if !found {
                let names: std::collections::BTreeSet<_> = map.bindings.iter().map(|b| b.name).collect();
                let names: Vec<_> = names.into_iter().collect();
                return Err(format!("[tui.keys]: no action {name:?} (actions: {})", names.join(", ")));
            }
        }
        Ok(map)
    }

    /// The action of a key in a scope (the scope's own bindings first, then global ones).
    pub fn action(&self, scope: Scope, event: &KeyEvent) -> Option<Action> {
        let find = |s: Scope| {
            self.bindings
                .iter()
                .find(|b| b.scope == s && b.keys.iter().any(|k| k.matches(event)))
                .map(|b| b.action)
        };
        find(scope).or_else(|| if scope == Scope::Menu { None } else { find(Scope::Global) })
    }

    /// `key label` pairs for the hint bar of a scope.
    pub fn hints(&self, scope: Scope, lang: Lang) -> Vec<(String, &'static str)> {
        self.bindings
            .iter()
            .filter(|b| b.hint && (b.scope == scope || b.scope == Scope::Global))
            .filter_map(|b| b.keys.first().map(|k| (k.label(), b.label.get(lang))))
            .collect()
    }

    /// Rows of the help overlay: scope title, keys, label.
    pub fn help(&self, lang: Lang) -> Vec<(Scope, String, &'static str)> {
        self.bindings
            .iter()
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(Key::label).collect();
                (b.scope, keys.join(" "), b.label.get(lang))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, ctrl: bool) -> KeyEvent {
        KeyEvent::new(code, if ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE })
    }

    #[test]
    fn scopes_then_global_and_overrides() {
        let map = Keymap::default();
        assert_eq!(map.action(Scope::Lists, &key(KeyCode::Char('j'), false)), Some(Action::Down));
        assert_eq!(map.action(Scope::Reader, &key(KeyCode::Char('q'), false)), Some(Action::Quit));
        assert_eq!(map.action(Scope::Reader, &key(KeyCode::Char('c'), true)), Some(Action::Quit));
        assert_eq!(map.action(Scope::Reader, &key(KeyCode::Char('p'), false)), Some(Action::PrevMatch));
        assert_eq!(map.action(Scope::Reader, &key(KeyCode::Char('N'), false)), Some(Action::Note));
        assert_eq!(map.action(Scope::Lists, &key(KeyCode::Char('t'), false)), Some(Action::Labels));
        let mut overrides = BTreeMap::new();
        overrides.insert("quit".to_string(), vec!["x".to_string()]);
        let map = Keymap::with_overrides(&overrides).unwrap();
        assert_eq!(map.action(Scope::Lists, &key(KeyCode::Char('x'), false)), Some(Action::Quit));
        assert_eq!(map.action(Scope::Lists, &key(KeyCode::Char('q'), false)), None);
        overrides.insert("sauter".to_string(), vec!["x".to_string()]);
        assert!(Keymap::with_overrides(&overrides).unwrap_err().0.contains("sauter"));
        let mut bad = BTreeMap::new();
        bad.insert("quit".to_string(), vec!["ctrl-".to_string()]);
        assert!(Keymap::with_overrides(&bad).is_err());
    }

    #[test]
    fn hints_and_help_come_from_the_table() {
        let map = Keymap::default();
        let hints = map.hints(Scope::Reader, Lang::Fr);
        assert!(hints.iter().any(|(k, l)| k == "n" && *l == "mot suivant"));
        assert!(hints.iter().any(|(k, l)| k == "q" && *l == "quitter"));
        assert_eq!(map.help(Lang::En).len(), map.bindings.len());
    }
}
