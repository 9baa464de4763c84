import HoldfastCLI

await HoldfastEntryPoint.run()
