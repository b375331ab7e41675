//! Text from archived pages made safe to draw (being written).
