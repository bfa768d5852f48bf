print("stapled")
