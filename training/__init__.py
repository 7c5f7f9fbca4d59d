"""cellspice training: the paper's three denoising UNets (conv, CellNN, M-CellNN), DDPM on MNIST,
and the export that the TypeScript toolkit reads (docs/export-format.md)."""
