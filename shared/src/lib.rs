//! Daoshi domain.
