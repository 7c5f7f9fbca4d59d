export * from "./ddimSong2021.js";
export * from "./ddpmHo2020.js";
export * from "./drawSamples.js";
export * from "./guidance.js";
export * from "./noise.js";
export * from "./sampler.js";
export * from "./schedule.js";
export * from "./timesteps.js";
