"""The Python API: build a 2-3-1 MLP with the ``mlp`` builder and derive its gradients.

Run it with ``python examples/mlp.py``.
"""

import sympy

from symbackprop import derive, mlp

network = mlp([2, 3, 1], seed=1, learning_rate=0.1, title="2-3-1 MLP")
derivation = derive(network)

print(network.title)
for parameter in network.parameters:
    print(f"  dL/d{parameter.name} = {float(derivation.gradients[parameter]):.6f}")

first = network.parameters[0]
print("Leibniz factors:", sympy.sstr(derivation.leibniz(first), order="none"))
print("general form:   ", derivation.general_form(first))
