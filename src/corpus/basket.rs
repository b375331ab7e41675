//! Baskets (being written).
