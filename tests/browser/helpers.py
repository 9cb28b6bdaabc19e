"""What the browser tests do again and again, as a candidate would."""

from playwright.sync_api import expect

PASSWORD = "a sound passphrase 42"

# What the sign-in page and the page after it say, in each language a browser test reads:
# the e-mail and password labels, the button, and the heading of the dashboard.
SIGN_IN_WORDS = {
    "en": ("E-mail address", "Password", "Sign in", "My vouchers"),
    "es": ("Dirección de correo electrónico", "Contraseña", "Iniciar sesión", "Mis vales"),
    "ja": ("メールアドレス", "パスワード", "サインイン", "マイバウチャー"),
}


def sign_in(page, email, password=PASSWORD, language="en"):
    """Sign in through the form, read in ``language`` (the page's, from the language cookie)."""
    email_label, password_label, button, heading = SIGN_IN_WORDS[language]
    page.goto("/accounts/login/")
    page.get_by_label(email_label).fill(email)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
