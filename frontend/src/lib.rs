//! Frontend placeholder until the shell lands.
