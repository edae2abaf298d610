// replaced as soon as sim/ has its first concept
