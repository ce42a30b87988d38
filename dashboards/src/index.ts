// Filled by later issues; see ../../shared/design/architecture.md.
export {};
