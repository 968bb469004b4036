"""Tooling around the engine: evaluation and benchmarks, public datasets, import and export of FAQs, and
the review of conversation logs. Nothing here is imported by `import faqbot` or needed to answer a message."""
