"""Drafts: a pledge or progress-report form saved halfway, resumed from any device through an e-mailed link."""
