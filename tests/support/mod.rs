pub mod demo;
pub mod pdf;
pub mod server;
