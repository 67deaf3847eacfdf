"""The Python API: build a 2-3-1 MLP with the ``mlp`` builder and derive its gradients.

``mlp`` builds one matrix per layer by default (``z_1 = W_1 @ x + b_1``), derived layer
by layer; ``view="scalar"`` (or ``network.scalar()``) writes it out weight by weight.
Run it with ``python examples/mlp.py``.
"""

import sympy

from symbackprop import derive, mlp

network = mlp([2, 3, 1], seed=1, learning_rate=0.1, title="2-3-1 MLP")
derivation = derive(network)

print(network.title)
for parameter in network.parameters:
    shape = "x".join(map(str, network.shapes[parameter]))
    print(f"  dL/d{parameter.name} ({shape}) =", derivation.gradients[parameter].round(6).tolist())

first = network.parameters[0]
print("Leibniz factors:", sympy.sstr(derivation.leibniz(first), order="none"))
print("general form:   ", derivation.general_form(first))

scalar = mlp([2, 3, 1], seed=1, learning_rate=0.1, view="scalar")  # one symbol per weight
weight = scalar.parameters[0]
print(f"scalar view: dL/d{weight.name} =", sympy.sstr(derive(scalar).general_form(weight), order="none"))
