"""Oracle for stats-se-377533.html: a Cross Validated question about a logistic unit trained with
binary cross-entropy.  h = w1 x1 + w2 x2 + w3, yhat = sigma(h), E = -y ln yhat - (1 - y) ln(1 - yhat).
The question's own result dE/dw1 = -(y - yhat) x1 holds; the course skeleton's update with an extra
sigma'(x) factor is the squared-error gradient, not the cross-entropy one (the point of the question)."""

import sys

import sympy as sp
from _lib import Doc


def build() -> Doc:
    d = Doc(
        "stats-se-377533.html",
        "https://stats.stackexchange.com/questions/377533/backpropagation-formula-for-simple-ann",
    )
    w1, w2, w3, x1, x2, y = sp.symbols("w1 w2 w3 x1 x2 y", real=True)
    h = w1 * x1 + w2 * x2 + w3
    yh = 1 / (1 + sp.exp(-h))
    E = -y * sp.log(yh) - (1 - y) * sp.log(1 - yh)
    g = sp.diff(E, w1)
    ok = sp.simplify(g - (-(y - yh) * x1)) == 0
    # the skeleton's step for w1 is +(y - yhat) sigma'(.) x1; gradient descent on E needs +(y - yhat) x1
    skeleton = (y - yh) * yh * (1 - yh) * x1
    skeleton_ok = sp.simplify(-g - skeleton) == 0
    d.na(r"$$h = w_1x_1 + w_2x_2 + w_3$$", "definition")
    d.na(r"$$\hat{y} = \sigma(h)$$", "definition")
    d.na(
        r"$$E = -y ln \hat{y} - (1-y) ln (1-\hat{y})$$",
        "definition of the cross-entropy; 'ln' is typed as two letters, so it reads as a product l n",
    )
    d.na(
        r"$$\frac{\partial}{\partial w_1} E = \frac{\partial}{\partial \hat{y}} \frac{\partial}{\partial h} \hat{y}",
        "chain rule written with operators and E missing from the first factor: not readable as an equation",
    )
    d.sym(
        r"$$-(y - \hat{y}) x_1$$", ok, expect="holds", note="dE/dw1 for sigmoid + cross-entropy, symbolically"
    )
    d.sym(
        r"$$W = W + \frac{\alpha}{m} (y-\hat{y}) \sigma ' (x) x,$$",
        skeleton_ok,
        expect="wrong",
        kind="bce-with-mse-derivative",
        note="the update carries the sigma' factor of the squared-error gradient; for cross-entropy it cancels "
        "(and sigma' would be taken at h, not at x)",
    )
    return d


if __name__ == "__main__":
    build().finish(sys.argv)
