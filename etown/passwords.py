import string

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Passwords must mix character classes (等保 2.0 complexity)."""

    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits)

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def _count(self, password):
        found = sum(any(c in cls for c in password) for cls in self.classes)
        found += any(not c.isalnum() for c in password)
        return found

    def validate(self, password, user=None):
        if self._count(password) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"
