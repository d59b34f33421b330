export declare const SHADER_ALIAS: '@shaders';
export declare const shadersDir: string;
export declare const shaderAlias: Record<string, string>;
