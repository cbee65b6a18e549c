"""Who acts or learns: greedy and exact baselines, tabular and deep RL agents, and the
from-scratch learners (gradient descent, regression, k-means) of the learning demos."""
