pub mod demo;
pub mod server;
