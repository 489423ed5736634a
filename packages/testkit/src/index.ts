// Public surface of @mlc/testkit. Each simulator adds its explicit exports in its own block below.

// --- Sage X3 simulator ---

// --- Entra ID + Power BI simulator ---
