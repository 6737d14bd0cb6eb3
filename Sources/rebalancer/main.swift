import EthCore
print("rebalancer: under construction")
