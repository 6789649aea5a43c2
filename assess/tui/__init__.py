"""The interactive questionnaire (Textual). The core never imports this package."""
