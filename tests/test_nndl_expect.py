"""The student package's assertion helpers: what they accept and what their messages name."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.expect import expect_scalar


@pytest.mark.parametrize("value", [0.25, np.float64(0.25), np.squeeze(np.array([[0.25]])), np.array(0.25), 3])
def test_one_real_number_in_any_form_is_a_scalar(value):
    expect_scalar("the cost", value)


@pytest.mark.parametrize(
    "value, words",
    [
        (np.array([[0.25]]), "array of shape (1, 1)"),
        (np.array([0.25]), "array of shape (1,)"),
        ("0.25", "str"),
        (True, "bool"),
        (None, "NoneType"),
    ],
)
def test_anything_else_is_named_in_the_message(value, words):
    with pytest.raises(AssertionError, match=r"the cost should be (one|a real) number") as error:
        expect_scalar("the cost", value, hint="return float(cost)")
    assert words in str(error.value) and "Hint: return float(cost)" in str(error.value)
