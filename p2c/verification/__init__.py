"""Independent verification of progress reports: assignments to verifiers, checklists and outcomes."""
