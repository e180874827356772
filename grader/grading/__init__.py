"""The pure grading core: the exercise model (the authoring API), static checks, comparison,
judging, findings and hints, scoring and validation. It receives the sandbox as a parameter
(``worker.sandbox.contract.Runner``) and knows no web, database, broker, course or date."""
