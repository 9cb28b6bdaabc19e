"""The candidate portal. Each view validates input, calls one workflow and shows its
refusal on the page; no rule is checked here. Every object is looked up within the
signed-in candidate's own, so another candidate's id gives 404."""
