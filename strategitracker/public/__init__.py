"""The public, no-login pages under /public: the published strategies of every organisation."""
