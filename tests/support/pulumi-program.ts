// The tests run the real program through the same offline recorder the simulator uses.
export * from "../../sim/mock-program";
