"""What the browser tests do again and again, as a candidate would."""

from playwright.sync_api import expect

PASSWORD = "a sound passphrase 42"


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My vouchers")).to_be_visible()
