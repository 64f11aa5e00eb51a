from __future__ import annotations

from django import forms

from maillage.organisations.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]
